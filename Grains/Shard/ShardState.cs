namespace Unlearning.Shard;

/// <summary>
/// Everything a shard persists. <see cref="Checkpoints"/> is the valid prefix: entry r holds the weights
/// trained on slices 0..r, so a change to slice s truncates it to s entries and retraining resumes there.
/// Nothing else keeps a copy of a record or of weights trained on one.
/// </summary>
[GenerateSerializer, Alias("Unlearning.ShardState")]
public sealed class ShardState
{
    [Id(0)] public ModelConfig? Config { get; set; }
    /// <summary>Records per slice, each slice sorted by id (ordinal): the canonical training order.</summary>
    [Id(1)] public List<List<DataRecord>> Slices { get; set; } = [];
    [Id(2)] public List<SliceCheckpoint> Checkpoints { get; set; } = [];
    /// <summary>The weights served now; never trained on a record whose forget was accepted.</summary>
    [Id(3)] public double[]? Serving { get; set; }
    /// <summary>Bumped every time <see cref="Serving"/> changes.</summary>
    [Id(4)] public long Version { get; set; }
    /// <summary>How many forgets that removed records this shard has accepted.</summary>
    [Id(5)] public long ForgetsAccepted { get; set; }
    /// <summary>Whether the model has been trained, after which every change retrains.</summary>
    [Id(6)] public bool Training { get; set; }
    /// <summary>How many times each slice's checkpoint has been computed: what tests and operators audit.</summary>
    [Id(7)] public int[] SliceTrainings { get; set; } = [];
}

/// <summary>Weights (raw feature space) after training on slices 0..r; null when those slices hold no record.</summary>
[GenerateSerializer, Immutable, Alias("Unlearning.SliceCheckpoint")]
public sealed record SliceCheckpoint([property: Id(0)] double[]? Weights);
