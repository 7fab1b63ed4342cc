namespace Unlearning.Learning;

/// <summary>Rows of features (row-major) with their class indices; the learner's only input.</summary>
public sealed class TrainingSet
{
    public TrainingSet(double[] features, int[] labels, int featureCount, int classCount)
    {
        if (featureCount <= 0) throw new ArgumentOutOfRangeException(nameof(featureCount));
        if (classCount < 2) throw new ArgumentOutOfRangeException(nameof(classCount), "a classifier needs at least two classes");
        if (features.Length != labels.Length * featureCount)
            throw new ArgumentException($"{features.Length} feature values do not make {labels.Length} rows of {featureCount}");
        Features = features;
        Labels = labels;
        FeatureCount = featureCount;
        ClassCount = classCount;
    }

    public double[] Features { get; }
    public int[] Labels { get; }
    public int FeatureCount { get; }
    public int ClassCount { get; }
    public int Rows => Labels.Length;

    public ReadOnlySpan<double> Row(int row) => Features.AsSpan(row * FeatureCount, FeatureCount);
}
