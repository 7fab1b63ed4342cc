using Unlearning.Algebra;
using Unlearning.Learning;

namespace Unlearning.Removal;

/// <summary>
/// The fixed, data-independent feature map of a certified model: centre and scale by configured
/// vectors, project into the unit L2 ball (x / max(1, |x|), which the removal bound needs), and
/// optionally append a constant 1 so the model has a (regularised) bias. Nothing in it is estimated
/// from records, so no statistic of a forgotten record survives in it.
/// </summary>
public sealed class UnitBallTransform
{
    private readonly double[]? _centre;
    private readonly double[]? _scale;

    /// <param name="featureCount">Raw features per row.</param>
    /// <param name="centre">Subtracted from each raw row; null for none.</param>
    /// <param name="scale">Each centred feature is divided by it; null for none. Entries must be positive.</param>
    /// <param name="intercept">Whether to append the constant bias feature 1 (then rows have norm up to sqrt 2).</param>
    public UnitBallTransform(int featureCount, double[]? centre, double[]? scale, bool intercept)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(featureCount);
        if (centre is not null && centre.Length != featureCount)
            throw new ArgumentException($"the centre has {centre.Length} entries for {featureCount} features", nameof(centre));
        if (scale is not null && scale.Length != featureCount)
            throw new ArgumentException($"the scale has {scale.Length} entries for {featureCount} features", nameof(scale));
        if (centre is not null && !centre.All(double.IsFinite))
            throw new ArgumentException("every centre entry must be finite", nameof(centre));
        if (scale is not null && !scale.All(s => double.IsFinite(s) && s > 0))
            throw new ArgumentException("every scale entry must be a finite number > 0", nameof(scale));
        FeatureCount = featureCount;
        _centre = centre is null ? null : (double[])centre.Clone();
        _scale = scale is null ? null : (double[])scale.Clone();
        Intercept = intercept;
    }

    public int FeatureCount { get; }
    public bool Intercept { get; }

    /// <summary>Values per transformed row: the features, then the bias feature if there is one.</summary>
    public int OutputDimension => FeatureCount + (Intercept ? 1 : 0);

    public void Apply(ReadOnlySpan<double> raw, Span<double> output)
    {
        if (raw.Length != FeatureCount) throw new ArgumentException($"a row of {raw.Length} values for {FeatureCount} features");
        if (output.Length != OutputDimension) throw new ArgumentException($"an output of {output.Length} values for {OutputDimension}");
        var features = output[..FeatureCount];
        for (var j = 0; j < FeatureCount; j++)
        {
            var value = raw[j] - (_centre?[j] ?? 0.0);
            features[j] = _scale is null ? value : value / _scale[j];
        }
        var norm = Vectors.Norm(features);
        if (!double.IsFinite(norm)) throw new ArgumentException("a row has a value that is not finite");
        if (norm > 1)
            for (var j = 0; j < FeatureCount; j++) features[j] /= norm;
        if (Intercept) output[FeatureCount] = 1.0;
    }

    /// <summary>The same records with every row transformed (labels and class count kept).</summary>
    public TrainingSet Apply(TrainingSet raw)
    {
        var output = new double[raw.Rows * OutputDimension];
        for (var i = 0; i < raw.Rows; i++) Apply(raw.Row(i), output.AsSpan(i * OutputDimension, OutputDimension));
        return new TrainingSet(output, raw.Labels, OutputDimension, raw.ClassCount);
    }
}
