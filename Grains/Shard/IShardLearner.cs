using Unlearning.Wire;

namespace Unlearning.Shard;

/// <summary>A computed checkpoint's weights, with how they were made (for receipts).</summary>
internal sealed record CheckpointResult(double[]? Weights, ForgetMethod Method, double? BoundSpent);

/// <summary>
/// One checkpoint of a shard, prepared in the grain's turn (capturing what it needs): <see cref="Compute"/> runs on a
/// compute thread; <see cref="Accept"/> runs back in the grain's turn, only if the result is still wanted.
/// </summary>
internal interface IPreparedCheckpoint
{
    CheckpointResult Compute(CancellationToken cancellation);

    /// <summary>Makes the computed checkpoint the learner's; writes what must persist into <paramref name="state"/>.</summary>
    void Accept(ShardState state);
}

/// <summary>The part of a shard that depends on its unlearning method (exact SISA or certified removal).</summary>
internal interface IShardLearner
{
    IPreparedCheckpoint Prepare(int slice, ShardRows records, IReadOnlyList<SliceCheckpoint> checkpoints);

    void RecordsAdded(ShardState state);

    /// <summary>A forget was accepted; <paramref name="removed"/> are in memory only and must never be persisted.</summary>
    void RecordsRemoved(IReadOnlyList<DataRecord> removed, ShardState state);

    CertifiedBudget? Budget { get; }

    /// <summary>A certified shard's expected bound per removal and the removals its budget has left at that rate; null for exact shards.</summary>
    RemovalForecast? Forecast { get; }

    Task<Explanation[]> ExplainAsync(double[][] rows, int[] labels, int top, ShardServing serving);

    Task<ShardForgetEstimate> EstimateForgetAsync(IReadOnlyList<DataRecord> subjectRecords, ShardServing serving);

    /// <summary>Checks the served weights against <paramref name="stored"/>, the records as storage holds them; off the grain's turn.</summary>
    Task<LearnerVerification> VerifyAsync(ShardRows stored, double[]? served);
}

/// <summary>
/// A learner's check of its served weights: exact learners rebuild (<see cref="Rebuilt"/>) and compare bits; certified
/// ones measure the gradient residual on the stored records against the model's bound.
/// </summary>
internal sealed record LearnerVerification(bool Verified, double[]? Rebuilt, double? Residual = null, double? Bound = null);

/// <summary>The bound one single-record removal is expected to spend (null: unknown) and how many the budget left covers.</summary>
internal sealed record RemovalForecast(double? StepBound, long? RemovalsLeft);

/// <summary>What a shard serves now, with the records it was trained on, for explanations and estimates.</summary>
internal sealed record ShardServing(long Version, double[]? Weights, ShardRows Records, bool Current);
