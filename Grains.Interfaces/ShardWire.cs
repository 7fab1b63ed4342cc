namespace Unlearning;

/// <summary>
/// The weights a shard serves, pushed to its model's aggregator on every change.
/// <see cref="Weights"/> is class-major, each class holding its feature coefficients then its bias,
/// in raw (unscaled) feature space; null while the shard has nothing clean to serve.
/// <see cref="CleanThrough"/> counts the shard's accepted forgets that these weights are free of.
/// </summary>
[GenerateSerializer, Immutable, Alias("Unlearning.ShardSnapshot")]
public sealed record ShardSnapshot(
    [property: Id(0)] int Shard,
    [property: Id(1)] long Version,
    [property: Id(2)] long CleanThrough,
    [property: Id(3)] double[]? Weights);

/// <summary>A shard's answer to a forget, given as soon as it stopped serving anything that saw the subject.</summary>
[GenerateSerializer, Immutable, Alias("Unlearning.ForgetAcceptance")]
public sealed record ForgetAcceptance(
    [property: Id(0)] int RecordsRemoved,
    [property: Id(1)] int FirstSliceRetrained,
    [property: Id(2)] int SlicesToRetrain,
    [property: Id(3)] long VersionBefore,
    [property: Id(4)] string[] RemovedIds,
    [property: Id(5)] ShardSnapshot Serving);
