namespace Unlearning;

/// <summary>Limits and timings of the model and shard grains, bound from the "Unlearning" configuration section.</summary>
public sealed class UnlearningOptions
{
    public const string Section = "Unlearning";

    /// <summary>Most rows one ingest, predict or evaluate call may carry.</summary>
    public int MaxBatchRows { get; set; } = 100_000;

    /// <summary>
    /// How long a shard holds off retraining after a change that is part of a burst (an ingest, or a forget
    /// sent while the model has others in flight), so the burst shares one retrain instead of each change
    /// cancelling the last one's. A lone forget retrains at once. A forget arriving later still joins: it
    /// cancels the slice in flight.
    /// </summary>
    public TimeSpan RetrainDelay { get; set; } = TimeSpan.FromMilliseconds(2);

    /// <summary>
    /// How long a silo's read replica of a model's ensemble is served before it asks the model again. A forget waits at
    /// most this long for a silo it cannot reach to have dropped its replica.
    /// </summary>
    public TimeSpan ReplicaLease { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>How long a prediction waits when every shard is retraining before it fails.</summary>
    public TimeSpan PredictionWait { get; set; } = TimeSpan.FromSeconds(60);

    /// <summary>
    /// How long a shard may stay out of a model's ensemble (excluded, or with nothing clean to serve) before the model
    /// logs an error and <c>status</c> shows an alert.
    /// </summary>
    public TimeSpan MissingShardAlarm { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>How often a model does its upkeep: reports long-absent shards, expires stale ingests, settles decided ones.</summary>
    public TimeSpan SweepInterval { get; set; } = TimeSpan.FromSeconds(15);

    /// <summary>How long an ingest may go without a batch before it is aborted (a client that died mid-file).</summary>
    public TimeSpan StagedIngestExpiry { get; set; } = TimeSpan.FromMinutes(15);

    /// <summary>How long a settled ingest is remembered, so that a repeated commit answers the same.</summary>
    public TimeSpan SettledIngestRetention { get; set; } = TimeSpan.FromDays(1);

    /// <summary>
    /// Test-only: lets <c>create</c> take a chosen certified noise seed, so benchmarks and tests are reproducible. Never in
    /// production: whoever knows the seed can undo certified removal's guarantee.
    /// </summary>
    public bool AllowChosenNoiseSeed { get; set; }

    /// <summary>
    /// How long a shard may go without a call before its activation is collected, dropping the records it read. Shorter
    /// than <see cref="ModelCollectionAge"/>: a shard holding records costs about its records' size in memory, and
    /// predictions never call shards (they use the weights the model holds), so a shard is only needed again for
    /// ingests, forgets, training, explanations, verification and audits, which read its records back.
    /// </summary>
    public TimeSpan ShardCollectionAge { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>
    /// How long a model may go without a call before its activation is collected. A model holds its config and its
    /// shards' weights (kilobytes): kept long, so predictions rarely pay for an activation (which reads the model's
    /// row and each shard's row, never a record).
    /// </summary>
    public TimeSpan ModelCollectionAge { get; set; } = TimeSpan.FromHours(1);

    /// <summary>How long <c>status</c> waits for a shard's own report before calling it unreachable.</summary>
    public TimeSpan ShardStatusTimeout { get; set; } = TimeSpan.FromSeconds(5);
}
