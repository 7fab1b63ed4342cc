namespace Unlearning.Learning;

/// <summary>
/// Per-feature centring and scaling fitted on exactly the rows a checkpoint trains on, so the
/// statistics of forgotten rows leave with them. Constant features keep scale 1.
/// </summary>
public sealed class Standardizer
{
    private Standardizer(double[] means, double[] scales)
    {
        Means = means;
        Scales = scales;
    }

    public double[] Means { get; }
    public double[] Scales { get; }

    public static Standardizer Fit(TrainingSet data) => Fit([data]);

    /// <summary>Fitted on the rows of <paramref name="parts"/> taken one after the other, as if they were one set.</summary>
    public static Standardizer Fit(IReadOnlyList<TrainingSet> parts)
    {
        int d = parts[0].FeatureCount, n = parts.Sum(part => part.Rows);
        var means = new double[d];
        var scales = new double[d];
        foreach (var part in parts)
            for (var i = 0; i < part.Rows; i++) Add(part.Row(i), means);
        Divide(means, n);
        foreach (var part in parts)
            for (var i = 0; i < part.Rows; i++) AddSquaredDeviations(part.Row(i), means, scales);
        return Finish(means, scales, n);
    }

    /// <summary>Fitted on contiguous row-major rows of <paramref name="featureCount"/> values: the same bits as on parts holding them in order.</summary>
    public static Standardizer Fit(ReadOnlySpan<double> rows, int featureCount)
    {
        int d = featureCount, n = rows.Length / featureCount;
        var means = new double[d];
        var scales = new double[d];
        for (var i = 0; i < n; i++) Add(rows.Slice(i * d, d), means);
        Divide(means, n);
        for (var i = 0; i < n; i++) AddSquaredDeviations(rows.Slice(i * d, d), means, scales);
        return Finish(means, scales, n);
    }

    // The steps of both fits, shared so that they give the same bits: sums in row order, then one division each.
    private static void Add(ReadOnlySpan<double> row, double[] sums)
    {
        for (var j = 0; j < sums.Length; j++) sums[j] += row[j];
    }

    private static void Divide(double[] sums, int n)
    {
        for (var j = 0; j < sums.Length; j++) sums[j] /= Math.Max(n, 1);
    }

    private static void AddSquaredDeviations(ReadOnlySpan<double> row, double[] means, double[] squares)
    {
        for (var j = 0; j < squares.Length; j++)
        {
            var centred = row[j] - means[j];
            squares[j] += centred * centred;
        }
    }

    /// <summary>The standardizer from the means and the sums of squared deviations of <paramref name="n"/> rows (a constant feature keeps scale 1).</summary>
    private static Standardizer Finish(double[] means, double[] squares, int n)
    {
        for (var j = 0; j < squares.Length; j++)
        {
            var std = Math.Sqrt(squares[j] / Math.Max(n, 1));
            squares[j] = std > 1e-12 ? std : 1.0;
        }
        return new Standardizer(means, squares);
    }

    /// <summary>Standardises contiguous row-major rows where they are, element by element as <see cref="TransformInto"/> does.</summary>
    public void TransformInPlace(Span<double> rows)
    {
        var d = Means.Length;
        for (var i = 0; i < rows.Length; i++)
        {
            var j = i % d;
            rows[i] = (rows[i] - Means[j]) / Scales[j];
        }
    }

    public double[] Transform(TrainingSet data)
    {
        var result = new double[data.Features.Length];
        TransformInto([data], result);
        return result;
    }

    /// <summary>Writes the standardised rows of <paramref name="parts"/>, one after the other, to the start of <paramref name="destination"/>.</summary>
    public void TransformInto(IReadOnlyList<TrainingSet> parts, Span<double> destination)
    {
        var at = 0;
        foreach (var part in parts)
        {
            var d = part.FeatureCount;
            var features = part.Features;
            for (var i = 0; i < features.Length; i++)
            {
                var j = i % d;
                destination[at + i] = (features[i] - Means[j]) / Scales[j];
            }
            at += features.Length;
        }
    }

    /// <summary>Weights over standardised features to the same function over raw features.</summary>
    public double[] ToRawSpace(double[] standardized, int classCount)
    {
        var d = Means.Length;
        var raw = new double[standardized.Length];
        for (var k = 0; k < classCount; k++)
        {
            var block = k * (d + 1);
            var bias = standardized[block + d];
            for (var j = 0; j < d; j++)
            {
                var w = standardized[block + j] / Scales[j];
                raw[block + j] = w;
                bias -= w * Means[j];
            }
            raw[block + d] = bias;
        }
        return raw;
    }

    /// <summary>Raw-space weights to the same function over this standardiser's features (for warm starts).</summary>
    public double[] FromRawSpace(double[] raw, int classCount)
    {
        var d = Means.Length;
        var standardized = new double[raw.Length];
        for (var k = 0; k < classCount; k++)
        {
            var block = k * (d + 1);
            var bias = raw[block + d];
            for (var j = 0; j < d; j++)
            {
                standardized[block + j] = raw[block + j] * Scales[j];
                bias += raw[block + j] * Means[j];
            }
            standardized[block + d] = bias;
        }
        return standardized;
    }
}
