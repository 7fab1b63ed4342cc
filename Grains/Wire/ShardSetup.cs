namespace Unlearning.Wire;

/// <summary>
/// What a shard needs to learn: the model's config and, for certified models, the model's secret noise key, from
/// which every exact refit of every shard draws noise of its own. The key never leaves the silos.
/// </summary>
[GenerateSerializer, Immutable, Alias("Unlearning.ShardSetup")]
public sealed record ShardSetup([property: Id(0)] ModelConfig Config, [property: Id(1)] byte[]? NoiseKey);
