namespace Unlearning.Wire;

/// <summary>
/// One SISA shard of a model, keyed "model/index": its records, slice checkpoints and current weights.
/// Only its model grain calls it; never part of the client contract.
/// </summary>
[Alias("Unlearning.IShardGrain")]
public interface IShardGrain : IGrainWithStringKey
{
    [Alias("Add")] Task<long> Add(ModelConfig config, DataRecord[] records);
    [Alias("StartTraining")] Task StartTraining(ModelConfig config);
    /// <summary>Completes once the shard serves weights trained on every record it holds.</summary>
    [Alias("WaitUntilTrained"), ResponseTimeout(LongRunning.Timeout)] Task<ShardSnapshot> WaitUntilTrained();
    /// <summary>
    /// Forgets several subjects at once (one write, one retrain); one acceptance per subject, in order.
    /// <paramref name="moreComing"/>: the model has other forgets in flight, so the shard waits a moment before
    /// retraining in case some of them are its own; a lone forget retrains at once.
    /// </summary>
    [Alias("Forget")] Task<ForgetAcceptance[]> Forget(string[] subjects, bool moreComing);
    [Alias("GetSnapshot")] Task<ShardSnapshot> GetSnapshot();
    /// <summary>
    /// The ids of <paramref name="records"/> this shard stores with exactly the same subject, features and label; fails,
    /// naming them, when it stores some with other content or they are being ingested. Changes nothing.
    /// </summary>
    [Alias("FindStored")] Task<string[]> FindStored(ModelConfig config, DataRecord[] records);
    [Alias("GetStatus")] Task<ShardStatus> GetStatus();
    /// <summary>Per row, this shard's top records by influence on the loss of <paramref name="labels"/>; unscaled scores.</summary>
    [Alias("Explain"), ResponseTimeout(LongRunning.Timeout)] Task<Explanation[]> Explain(double[][] rows, int[] labels, int top);
    [Alias("EstimateForget"), ResponseTimeout(LongRunning.Timeout)] Task<ShardForgetEstimate> EstimateForget(string subject);
}

public static class ShardKey
{
    public static string For(string model, int index) => $"{model}/{index}";
}
