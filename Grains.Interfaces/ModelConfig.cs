namespace Unlearning;

/// <summary>How the aggregator combines the shards' class probabilities.</summary>
[GenerateSerializer, Alias("Unlearning.EnsembleMode")]
public enum EnsembleMode
{
    /// <summary>Mean of the shards' class probabilities.</summary>
    Average = 0,
    /// <summary>Each shard votes for its most probable class; probabilities are vote shares.</summary>
    Vote = 1,
}

/// <summary>Everything that, together with the set of records, determines a model's weights.</summary>
[GenerateSerializer, Immutable, Alias("Unlearning.ModelConfig")]
public sealed record ModelConfig(
    [property: Id(0)] string Name,
    [property: Id(1)] string[] FeatureNames,
    [property: Id(2)] string[] Labels,
    [property: Id(3)] int Shards,
    [property: Id(4)] int Slices,
    [property: Id(5)] double Lambda,
    [property: Id(6)] EnsembleMode Ensemble,
    [property: Id(7)] int MaxIterations)
{
    public const double DefaultLambda = 1e-4;
    public const int DefaultMaxIterations = 1000;

    public int FeatureCount => FeatureNames.Length;
    public int ClassCount => Labels.Length;
}
