namespace Unlearning.Client.Csv;

/// <summary>
/// Each feature's mean and population standard deviation over a file's rows: the fixed centre and scale a
/// certified model transforms rows with. A constant feature gets scale 1, so it is centred but not blown up.
/// </summary>
internal sealed record FeatureStatistics(double[] Centres, double[] Scales)
{
    public static FeatureStatistics Of(RecordFile file)
    {
        var count = file.FeatureNames.Count;
        var centres = new double[count];
        var scales = new double[count];
        for (var j = 0; j < count; j++)
        {
            // Welford's update: no sum of squares to overflow or cancel.
            double mean = 0, squares = 0, min = double.PositiveInfinity, max = double.NegativeInfinity;
            for (var i = 0; i < file.Count; i++)
            {
                var value = file.Features[i][j];
                var before = value - mean;
                mean += before / (i + 1);
                squares += before * (value - mean);
                min = Math.Min(min, value);
                max = Math.Max(max, value);
            }

            var deviation = Math.Sqrt(squares / file.Count);
            if (!double.IsFinite(mean) || !double.IsFinite(deviation))
            {
                throw new CsvFormatException(file.FileName,
                    $"the values of feature '{file.FeatureNames[j]}' are too large to compute their mean and standard deviation");
            }

            centres[j] = mean;
            scales[j] = min == max || deviation <= 0 ? 1 : deviation;
        }

        return new FeatureStatistics(centres, scales);
    }
}
