using Unlearning.Removal;

namespace Unlearning.Shard;

/// <summary>What a certified shard persists of its model: weights per binary model, their residual bounds, and the row count.</summary>
[GenerateSerializer, Immutable, Alias("Unlearning.CertifiedState")]
public sealed record CertifiedState(
    [property: Id(0)] double[][] Weights,
    [property: Id(1)] double[] ResidualBounds,
    [property: Id(2)] int Rows)
{
    internal static CertifiedState Of(CertifiedModel model) =>
        new([.. model.Weights.Select(w => (double[])w.Clone())], [.. model.ResidualBounds], model.Rows);

    internal CertifiedModel Restore(ModelConfig config, int shard) =>
        CertifiedConfig.Restore(config, shard, Rows, Weights, ResidualBounds);
}
