namespace Unlearning.Shard;

/// <summary>A computed checkpoint, with how it was made (for receipts) and the learner's own model behind it.</summary>
internal sealed record CheckpointResult(double[]? Weights, string Method, double? BoundSpent, object? Model = null);

/// <summary>
/// The part of a shard that depends on its unlearning method. Preparation runs in the grain's turn and
/// captures copies; the returned job runs on the thread pool; acceptance runs in the grain's turn again.
/// </summary>
internal interface IShardLearner
{
    Func<CancellationToken, CheckpointResult> Prepare(int slice, IShardRecords records, IReadOnlyList<SliceCheckpoint> checkpoints);

    /// <summary>Takes a computed checkpoint that is still valid; writes what must persist into <paramref name="state"/>.</summary>
    void Accept(CheckpointResult result, ShardState state);

    void RecordsAdded(ShardState state);

    /// <summary>A forget was accepted; <paramref name="removed"/> are in memory only and must never be persisted.</summary>
    void RecordsRemoved(IReadOnlyList<DataRecord> removed, ShardState state);

    CertifiedBudget? Budget { get; }

    Task<Explanation[]> ExplainAsync(double[][] rows, int[] labels, int top, ShardServing serving);

    Task<ShardForgetEstimate> EstimateForgetAsync(IReadOnlyList<DataRecord> subjectRecords, ShardServing serving);
}

/// <summary>What a shard serves now, with the records it was trained on, for explanations and estimates.</summary>
internal sealed record ShardServing(long Version, double[]? Weights, IShardRecords Records, bool Current);
