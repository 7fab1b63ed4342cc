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

    public static Standardizer Fit(TrainingSet data)
    {
        int d = data.FeatureCount, n = data.Rows;
        var means = new double[d];
        var scales = new double[d];
        for (var i = 0; i < n; i++)
        {
            var row = data.Row(i);
            for (var j = 0; j < d; j++) means[j] += row[j];
        }
        for (var j = 0; j < d; j++) means[j] /= Math.Max(n, 1);
        for (var i = 0; i < n; i++)
        {
            var row = data.Row(i);
            for (var j = 0; j < d; j++)
            {
                var centred = row[j] - means[j];
                scales[j] += centred * centred;
            }
        }
        for (var j = 0; j < d; j++)
        {
            var std = Math.Sqrt(scales[j] / Math.Max(n, 1));
            scales[j] = std > 1e-12 ? std : 1.0;
        }
        return new Standardizer(means, scales);
    }

    public double[] Transform(TrainingSet data)
    {
        int d = data.FeatureCount;
        var result = new double[data.Features.Length];
        for (var i = 0; i < result.Length; i++)
        {
            var j = i % d;
            result[i] = (data.Features[i] - Means[j]) / Scales[j];
        }
        return result;
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
