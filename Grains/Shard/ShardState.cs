namespace Unlearning.Shard;

/// <summary>
/// A shard's own row: its chunk index, checkpoints and served weights. Records live in chunk rows of
/// their own (<see cref="RecordChunk"/>), so a forget or an ingest rewrites only the chunks it touches.
/// <see cref="Checkpoints"/> is the valid prefix: entry r holds the weights trained on slices 0..r, so a
/// change to slice s truncates it to s entries and retraining resumes there.
/// </summary>
[GenerateSerializer, Alias("Unlearning.ShardState")]
public sealed class ShardState
{
    [Id(0)] public ModelConfig? Config { get; set; }
    [Id(1)] public List<ChunkRef> Chunks { get; set; } = [];
    /// <summary>Chunks being written by an ingest not yet acknowledged; deleted if the shard restarts before it is.</summary>
    [Id(2)] public List<int> PendingChunks { get; set; } = [];
    [Id(3)] public int NextChunk { get; set; }
    [Id(4)] public List<SliceCheckpoint> Checkpoints { get; set; } = [];
    /// <summary>The weights served now; never trained on a record whose forget was accepted.</summary>
    [Id(5)] public double[]? Serving { get; set; }
    /// <summary>Bumped every time <see cref="Serving"/> changes.</summary>
    [Id(6)] public long Version { get; set; }
    /// <summary>How many forgets that removed records this shard has accepted: the served weights are free of all of them.</summary>
    [Id(7)] public long ForgetsAccepted { get; set; }
    /// <summary>Whether the model has been trained, after which every change retrains.</summary>
    [Id(8)] public bool Trained { get; set; }
    /// <summary>How many times each slice's checkpoint has been computed: what tests and operators audit.</summary>
    [Id(9)] public int[] SliceTrainings { get; set; } = [];
    /// <summary>A certified shard's model; cleared the moment a forget is accepted, so no stored copy saw the subject.</summary>
    [Id(10)] public CertifiedState? Certified { get; set; }
    /// <summary>Chunks of ingests not committed yet: stored, but not part of the shard until their ingest commits.</summary>
    [Id(11)] public List<StagedIngest> Staged { get; set; } = [];
    /// <summary>The latest ingests committed here and how many records each added, so a repeated commit answers the same.</summary>
    [Id(12)] public List<CommittedIngest> Committed { get; set; } = [];
    /// <summary>A certified model's secret noise key, from the model; null for exact models.</summary>
    [Id(13)] public byte[]? NoiseKey { get; set; }
    /// <summary>How many exact refits drew noise so far: each draws noise of its own, never reused.</summary>
    [Id(14)] public long NoiseRefits { get; set; }
    /// <summary>How many committed records the shard holds: status and snapshots answer without reading a chunk.</summary>
    [Id(15)] public int Records { get; set; }
    /// <summary>
    /// Subjects whose forget is in this row (weights, count) but maybe not yet in every chunk: the shard stopped between
    /// the two writes. The next activation finishes their removal from the chunks.
    /// </summary>
    [Id(16)] public List<string> ForgetsUnwritten { get; set; } = [];
}

[GenerateSerializer, Immutable, Alias("Unlearning.CommittedIngest")]
public sealed record CommittedIngest([property: Id(0)] string Id, [property: Id(1)] int Records);

/// <summary>The chunks one ingest staged in a shard.</summary>
[GenerateSerializer, Alias("Unlearning.StagedIngest")]
public sealed class StagedIngest
{
    [Id(0)] public string Id { get; set; } = "";
    [Id(1)] public List<ChunkRef> Chunks { get; set; } = [];
}

/// <summary>Weights (raw feature space) after training on slices 0..r; null when those slices hold no record.</summary>
[GenerateSerializer, Immutable, Alias("Unlearning.SliceCheckpoint")]
public sealed record SliceCheckpoint([property: Id(0)] double[]? Weights);

/// <summary>A stored chunk of one slice's records.</summary>
[GenerateSerializer, Immutable, Alias("Unlearning.ChunkRef")]
public sealed record ChunkRef([property: Id(0)] int Slice, [property: Id(1)] int Number);
