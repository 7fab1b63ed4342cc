namespace Unlearning;

/// <summary>
/// The weights a shard serves, pushed to its model's aggregator on every change.
/// <see cref="Weights"/> is class-major, each class holding its feature coefficients then its bias,
/// in raw (unscaled) feature space; null while the shard has nothing clean to serve.
/// <see cref="CleanThrough"/> counts the shard's accepted forgets that these weights are free of.
/// For certified models the weights are the one-vs-rest vectors over transformed rows, one after another.
/// <see cref="Method"/>, <see cref="BoundSpent"/> and <see cref="BudgetLeft"/> say how the last change was made.
/// </summary>
[GenerateSerializer, Immutable, Alias("Unlearning.ShardSnapshot")]
public sealed record ShardSnapshot(
    [property: Id(0)] int Shard,
    [property: Id(1)] long Version,
    [property: Id(2)] long CleanThrough,
    [property: Id(3)] double[]? Weights,
    [property: Id(4)] string Method = ForgetMethods.Exact,
    [property: Id(5)] double? BoundSpent = null,
    [property: Id(6)] double? BudgetLeft = null);

/// <summary>A shard's answer to a forget, given as soon as it stopped serving anything that saw the subject.</summary>
[GenerateSerializer, Immutable, Alias("Unlearning.ForgetAcceptance")]
public sealed record ForgetAcceptance(
    [property: Id(0)] int RecordsRemoved,
    [property: Id(1)] int FirstSliceRetrained,
    [property: Id(2)] int SlicesToRetrain,
    [property: Id(3)] long VersionBefore,
    [property: Id(4)] string[] RemovedIds,
    [property: Id(5)] ShardSnapshot Serving);

/// <summary>A shard's part of a forget dry run: its weights as they would be without the subject.</summary>
[GenerateSerializer, Immutable, Alias("Unlearning.ShardForgetEstimate")]
public sealed record ShardForgetEstimate(
    [property: Id(0)] int RecordsAffected,
    [property: Id(1)] double[]? WeightsAfter,
    [property: Id(2)] string Method);
