using Unlearning.Removal;

namespace Unlearning.Shard;

/// <summary>
/// What a certified shard persists of its model: weights per binary model, their residual bounds, the row count, and
/// which of the shard's refits drew its noise (the noise itself is redrawn from the model's key); for the removals-left
/// estimate, how many records Newton steps have removed since that refit and the residual bounds the refit started with
/// (per binary model in <see cref="FitBounds"/>; <see cref="FitBound"/> is their total, all that rows written before
/// FitBounds existed hold).
/// </summary>
[GenerateSerializer, Immutable, Alias("Unlearning.CertifiedState")]
public sealed record CertifiedState(
    [property: Id(0)] double[][] Weights,
    [property: Id(1)] double[] ResidualBounds,
    [property: Id(2)] int Rows,
    [property: Id(3)] long Refit,
    [property: Id(4)] int StepRecords = 0,
    [property: Id(5)] double FitBound = 0,
    [property: Id(6)] double[]? FitBounds = null)
{
    internal static CertifiedState Of(CertifiedModel model, long refit, int stepRecords, double[]? fitBounds) =>
        new([.. model.Weights.Select(w => (double[])w.Clone())], [.. model.ResidualBounds], model.Rows, refit, stepRecords,
            fitBounds is null ? 0 : RemovalProjection.Rate(fitBounds), fitBounds is null ? null : [.. fitBounds]);

    internal CertifiedModel Restore(ModelConfig config, byte[] noiseKey, int shard) =>
        CertifiedConfig.Restore(config, CertifiedConfig.NoiseSeed(noiseKey, shard, Refit), Rows, Weights, ResidualBounds);
}
