namespace Unlearning.Model;

/// <summary>
/// What a model grain persists: its config, whether it has been trained, and the ingests it coordinates. Records and
/// weights live in the shards.
/// </summary>
[GenerateSerializer, Alias("Unlearning.ModelState")]
public sealed class ModelState
{
    [Id(0)] public ModelConfig? Config { get; set; }
    [Id(1)] public bool Trained { get; set; }
    /// <summary>Ingests staging, being settled, or settled recently (kept for a while so a repeated commit answers the same).</summary>
    [Id(2)] public List<IngestEntry> Ingests { get; set; } = [];
    /// <summary>A certified model's secret noise key: the shards draw every refit's noise from it. Never sent to a client.</summary>
    [Id(3)] public byte[]? NoiseKey { get; set; }
    /// <summary>Stored, but not yet in the catalog and the audit log: the same create sent again finishes it.</summary>
    [Id(4)] public bool CreatePending { get; set; }
}

[GenerateSerializer, Alias("Unlearning.IngestStatus")]
public enum IngestStatus
{
    /// <summary>Batches arrive; nothing of it is part of the model.</summary>
    Staging = 0,
    /// <summary>Decided: every shard makes its staged records part of it, now or when it next answers.</summary>
    Committing = 1,
    Committed = 2,
    /// <summary>Decided: every shard drops its staged records, now or when it next answers.</summary>
    Aborting = 3,
    Aborted = 4,
}

/// <summary>One ingest of a model: its outcome, the shards it staged records in, and (once committed) how many records it added.</summary>
[GenerateSerializer, Alias("Unlearning.IngestEntry")]
public sealed class IngestEntry
{
    [Id(0)] public string Id { get; set; } = "";
    [Id(1)] public IngestStatus Status { get; set; }
    [Id(2)] public DateTimeOffset Opened { get; set; }
    /// <summary>When every shard confirmed the outcome.</summary>
    [Id(3)] public DateTimeOffset? Settled { get; set; }
    /// <summary>The shards batches were sent to; null when unknown (the model restarted while it was staging): then all.</summary>
    [Id(4)] public int[]? Shards { get; set; }
    /// <summary>Records the ingest added to the model, once committed.</summary>
    [Id(5)] public int Accepted { get; set; }
    /// <summary>Why it was aborted.</summary>
    [Id(6)] public string? Reason { get; set; }
    /// <summary>Staged and committed within one <c>Ingest</c> call: no later batch or commit can come from its caller.</summary>
    [Id(7)] public bool OneShot { get; set; }

    public bool IsDecided => Status is not IngestStatus.Staging;
    public bool IsCommit => Status is IngestStatus.Committing or IngestStatus.Committed;
}
