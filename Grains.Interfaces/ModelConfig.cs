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

/// <summary>How a model forgets.</summary>
[GenerateSerializer, Alias("Unlearning.UnlearningMethod")]
public enum UnlearningMethod
{
    /// <summary>SISA: retrain the owning shard from its last clean slice checkpoint; bit-identical to a fresh build.
    /// With one shard and one slice this is naive full retraining.</summary>
    Exact = 0,
    /// <summary>Certified removal (Guo et al. 2020): a Newton step with an (epsilon, delta) guarantee, exact retrain when the budget runs out.</summary>
    Certified = 1,
}

/// <summary>
/// Settings of certified removal. Rows are centred and scaled by the fixed vectors given here (null: unchanged)
/// and projected into the unit ball, a transform that depends on no record, so nothing forgotten survives in it.
/// <see cref="NoiseSeed"/>: leave it 0 and the model draws a secret noise key at create; a chosen seed is refused unless
/// the silo runs with a test-only option. Never returned: a config read back always says 0.
/// </summary>
[GenerateSerializer, Immutable, Alias("Unlearning.CertifiedOptions")]
public sealed record CertifiedOptions(
    [property: Id(0)] double Epsilon,
    [property: Id(1)] double Delta,
    [property: Id(2)] double Sigma,
    [property: Id(3)] double[]? FeatureCentres,
    [property: Id(4)] double[]? FeatureScales,
    [property: Id(5)] ulong NoiseSeed = 0)
{
    public const double DefaultSigma = 1.0;
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
    [property: Id(7)] int MaxIterations,
    [property: Id(8)] UnlearningMethod Method = UnlearningMethod.Exact,
    [property: Id(9)] CertifiedOptions? Certified = null)
{
    public const double DefaultLambda = 1e-4;
    public const int DefaultMaxIterations = 1000;

    public int FeatureCount => FeatureNames.Length;
    public int ClassCount => Labels.Length;

    /// <summary>A forget on one shard of one slice retrains everything: the naive baseline.</summary>
    public bool IsFullRetrain => Method == UnlearningMethod.Exact && Shards == 1 && Slices == 1;
}
