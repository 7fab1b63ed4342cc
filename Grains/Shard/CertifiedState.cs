using Unlearning.Removal;

namespace Unlearning.Shard;

/// <summary>
/// What a certified shard persists of its model: weights per binary model, their residual bounds, the row count, and
/// which of the shard's refits drew its noise (the noise itself is redrawn from the model's key); for the removals-left
/// estimate, how many records Newton steps have removed since that refit and the residual bound the refit started with.
/// </summary>
[GenerateSerializer, Immutable, Alias("Unlearning.CertifiedState")]
public sealed record CertifiedState(
    [property: Id(0)] double[][] Weights,
    [property: Id(1)] double[] ResidualBounds,
    [property: Id(2)] int Rows,
    [property: Id(3)] long Refit,
    [property: Id(4)] int StepRecords = 0,
    [property: Id(5)] double FitBound = 0)
{
    internal static CertifiedState Of(CertifiedModel model, long refit, int stepRecords, double fitBound) =>
        new([.. model.Weights.Select(w => (double[])w.Clone())], [.. model.ResidualBounds], model.Rows, refit, stepRecords, fitBound);

    internal CertifiedModel Restore(ModelConfig config, byte[] noiseKey, int shard) =>
        CertifiedConfig.Restore(config, CertifiedConfig.NoiseSeed(noiseKey, shard, Refit), Rows, Weights, ResidualBounds);
}
