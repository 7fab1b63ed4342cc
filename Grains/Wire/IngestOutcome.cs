namespace Unlearning.Wire;

/// <summary>What a shard must do with the batches it staged for an ingest.</summary>
[GenerateSerializer, Alias("Unlearning.IngestOutcome")]
public enum IngestOutcome
{
    /// <summary>Still staging: keep them.</summary>
    Pending = 0,
    /// <summary>Committed: make them part of the shard.</summary>
    Committed = 1,
    /// <summary>Aborted, expired or unknown: drop them.</summary>
    Aborted = 2,
}

/// <summary>A shard's answer to a staged batch: records staged now, and records it already held (or staged) exactly as sent.</summary>
[GenerateSerializer, Immutable, Alias("Unlearning.StageResult")]
public sealed record StageResult([property: Id(0)] int Staged, [property: Id(1)] int Unchanged);

/// <summary>A shard's answer to a commit: how many staged records became part of it, and how many it holds now.</summary>
[GenerateSerializer, Immutable, Alias("Unlearning.CommitResult")]
public sealed record CommitResult([property: Id(0)] int Committed, [property: Id(1)] long Records);
