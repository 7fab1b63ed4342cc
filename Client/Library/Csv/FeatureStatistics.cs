namespace Unlearning.Client.Csv;

/// <summary>
/// Each feature's mean and population standard deviation over a file's rows: the fixed centre and scale a
/// certified model transforms rows with. A constant feature gets scale 1, so it is centred but not blown up.
/// </summary>
internal sealed record FeatureStatistics(double[] Centres, double[] Scales)
{
    /// <summary>Running moments of each feature, one row at a time (Welford's update: no sum of squares to overflow or cancel).</summary>
    internal sealed class Builder(int features)
    {
        private readonly double[] _means = new double[features];
        private readonly double[] _squares = new double[features];
        private readonly double[] _min = [.. Enumerable.Repeat(double.PositiveInfinity, features)];
        private readonly double[] _max = [.. Enumerable.Repeat(double.NegativeInfinity, features)];
        private long _count;

        public void Add(double[] row)
        {
            _count++;
            for (var j = 0; j < row.Length; j++)
            {
                var value = row[j];
                var before = value - _means[j];
                _means[j] += before / _count;
                _squares[j] += before * (value - _means[j]);
                _min[j] = Math.Min(_min[j], value);
                _max[j] = Math.Max(_max[j], value);
            }
        }

        /// <summary>The statistics of the rows added; <paramref name="fileName"/> and <paramref name="names"/> name a feature too large for them.</summary>
        public FeatureStatistics Build(string fileName, IReadOnlyList<string> names)
        {
            var centres = new double[_means.Length];
            var scales = new double[_means.Length];
            for (var j = 0; j < centres.Length; j++)
            {
                var deviation = Math.Sqrt(_squares[j] / _count);
                if (!double.IsFinite(_means[j]) || !double.IsFinite(deviation))
                {
                    throw new CsvFormatException(fileName,
                        $"the values of feature {Quoted.Value(names[j])} are too large to compute their mean and standard deviation");
                }

                centres[j] = _means[j];
                scales[j] = _min[j] == _max[j] || deviation <= 0 ? 1 : deviation;
            }

            return new FeatureStatistics(centres, scales);
        }
    }
}
