namespace Unlearning.Wire;

/// <summary>
/// One SISA shard of a model, keyed "model/index": its records, slice checkpoints and current weights.
/// Only its model grain calls it; never part of the client contract.
/// </summary>
[Alias("Unlearning.IShardGrain")]
public interface IShardGrain : IGrainWithStringKey
{
    /// <summary>Stores records for the ingest <paramref name="ingestId"/> without making them part of the shard; fails, changing nothing, on a conflict.</summary>
    [Alias("Stage")] Task<StageResult> Stage(ShardSetup setup, string ingestId, DataRecord[] records);
    /// <summary>Makes the ingest's staged records part of the shard; nothing to do when none are staged (any more).</summary>
    [Alias("CommitIngest")] Task<CommitResult> CommitIngest(string ingestId);
    /// <summary>Drops the ingest's staged records; nothing to do when none are staged.</summary>
    [Alias("AbortIngest")] Task AbortIngest(string ingestId);
    [Alias("StartTraining")] Task StartTraining(ShardSetup setup);
    /// <summary>
    /// A certified shard's pilot measurements of <paramref name="candidates"/> on the records it holds now (see
    /// <see cref="Removal.PilotCalibration"/>), one per candidate, in order; nulls when it holds too few records.
    /// </summary>
    [Alias("Calibrate"), ResponseTimeout(LongRunning.Timeout)]
    Task<Removal.PilotMeasurement?[]> Calibrate(ShardSetup setup, Removal.CalibrationCandidate[] candidates);
    /// <summary>Completes once the shard serves weights trained on every record it holds.</summary>
    [Alias("WaitUntilTrained"), ResponseTimeout(LongRunning.Timeout)] Task<ShardSnapshot> WaitUntilTrained();
    /// <summary>
    /// Forgets several subjects at once (one write, one retrain); one acceptance per subject, in order.
    /// <paramref name="moreComing"/>: the model has other forgets in flight, so the shard waits a moment before
    /// retraining in case some of them are its own; a lone forget retrains at once.
    /// </summary>
    [Alias("Forget")] Task<ForgetAcceptance[]> Forget(string[] subjects, bool moreComing);
    [Alias("GetSnapshot")] Task<ShardSnapshot> GetSnapshot();
    /// <summary>The ids of <paramref name="records"/> this shard holds (committed) with exactly the same subject, features and label.</summary>
    [Alias("FindStored")] Task<string[]> FindStored(ShardSetup setup, DataRecord[] records);
    [Alias("GetStatus")] Task<ShardStatus> GetStatus();
    [Alias("GetCertification")] Task<ShardCertification> GetCertification();
    /// <summary>Rebuilds from the records as stored (read again from storage) and compares with what the shard serves.</summary>
    [Alias("Verify"), ResponseTimeout(LongRunning.Timeout)] Task<ShardVerification> Verify();
    /// <summary>Up to <paramref name="count"/> of the shard's records, picked by a stable hash of their ids (for an audit's control set).</summary>
    [Alias("SampleRecords")] Task<DataRecord[]> SampleRecords(int count);
    /// <summary>How many records the shard holds for each subject.</summary>
    [Alias("CountRecords")] Task<int[]> CountRecords(string[] subjects);
    /// <summary>Per row, this shard's top records by influence on the loss of <paramref name="labels"/>; unscaled scores.</summary>
    [Alias("Explain"), ResponseTimeout(LongRunning.Timeout)] Task<Explanation[]> Explain(double[][] rows, int[] labels, int top);
    [Alias("EstimateForget"), ResponseTimeout(LongRunning.Timeout)] Task<ShardForgetEstimate> EstimateForget(string subject);
    /// <summary>Deletes the shard's record rows and its own row, and deactivates; returns how many records it held. Repeatable.</summary>
    [Alias("Delete"), ResponseTimeout(LongRunning.Timeout)] Task<int> Delete();
}

public static class ShardKey
{
    public static string For(string model, int index) => $"{model}/{index}";
}
