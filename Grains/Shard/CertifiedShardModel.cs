using Unlearning.Learning;
using Unlearning.Removal;

namespace Unlearning.Shard;

/// <summary>What a certified shard persists of its model: weights per binary model, their residual bounds, and the row count.</summary>
[GenerateSerializer, Immutable, Alias("Unlearning.CertifiedState")]
public sealed record CertifiedState(
    [property: Id(0)] double[][] Weights,
    [property: Id(1)] double[] ResidualBounds,
    [property: Id(2)] int Rows);

/// <summary>The glue between a shard's records and config and the certified-removal maths.</summary>
internal static class CertifiedShardModel
{
    public static UnitBallTransform Transform(ModelConfig config) =>
        new(config.FeatureCount, config.Certified!.FeatureCentres, config.Certified.FeatureScales, intercept: true);

    public static CertificationSettings Settings(ModelConfig config) =>
        new(config.Lambda, config.Certified!.Sigma, config.Certified.Epsilon, config.Certified.Delta);

    /// <summary>Each shard draws its own noise, from the model's secret seed and the shard's index only.</summary>
    public static ulong NoiseSeed(ModelConfig config, int shard) =>
        StableKeyHash.Of($"{config.Certified!.NoiseSeed}/{shard}", 0xCE27);

    /// <param name="transformed">The shard's rows, already transformed by <see cref="Transform"/>.</param>
    public static CertifiedModel Fit(TrainingSet transformed, ModelConfig config, int shard) =>
        CertifiedTrainer.Fit(transformed, Settings(config), NoiseSeed(config, shard)).Model;

    public static CertifiedState Persistable(CertifiedModel model) =>
        new([.. model.Weights.Select(w => (double[])w.Clone())], [.. model.ResidualBounds], model.Rows);

    public static CertifiedModel Restore(CertifiedState state, ModelConfig config, int shard) =>
        new(Settings(config), NoiseSeed(config, shard), config.ClassCount, state.Rows, state.Weights, state.ResidualBounds);
}
