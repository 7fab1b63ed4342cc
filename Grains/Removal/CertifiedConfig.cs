using Unlearning.Learning;

namespace Unlearning.Removal;

/// <summary>What a certified model's config means to the removal maths: its feature transform, settings and noise.</summary>
internal static class CertifiedConfig
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

    /// <summary>A model rebuilt from what a shard persisted of it.</summary>
    public static CertifiedModel Restore(ModelConfig config, int shard, int rows, double[][] weights, double[] residualBounds) =>
        new(Settings(config), NoiseSeed(config, shard), config.ClassCount, rows, weights, residualBounds);
}
