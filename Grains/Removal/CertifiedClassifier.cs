using Unlearning.Learning;

namespace Unlearning.Removal;

/// <summary>A certified model as the ensemble sees it: the fixed transform, then the one-vs-rest binary models.</summary>
public sealed class CertifiedClassifier : IClassifier
{
    private readonly UnitBallTransform _transform;
    private readonly double[][] _weights;

    /// <param name="flatWeights">The binary models' weight vectors one after another, as <see cref="Flatten"/> writes them.</param>
    public CertifiedClassifier(UnitBallTransform transform, int classCount, double[] flatWeights)
    {
        var models = OneVsRest.ModelCount(classCount);
        var dimension = transform.OutputDimension;
        if (flatWeights.Length != models * dimension)
            throw new ArgumentException($"{flatWeights.Length} weights do not make {models} models of {dimension}");
        _transform = transform;
        _weights = [.. Enumerable.Range(0, models).Select(m => flatWeights.AsSpan(m * dimension, dimension).ToArray())];
    }

    public void Probabilities(ReadOnlySpan<double> row, Span<double> probabilities)
    {
        Span<double> transformed = _transform.OutputDimension <= 256 ? stackalloc double[_transform.OutputDimension] : new double[_transform.OutputDimension];
        _transform.Apply(row, transformed);
        OneVsRest.Probabilities(_weights, transformed, probabilities);
    }

    public static double[] Flatten(CertifiedModel model) => [.. model.Weights.SelectMany(w => w)];
}
