namespace Unlearning.Wire;

/// <summary>
/// The weights a shard serves, pushed to its model on every change and returned by its calls.
/// <see cref="Weights"/> is class-major, each class holding its feature coefficients then its bias,
/// in raw (unscaled) feature space; null while the shard has nothing clean to serve.
/// For certified models the weights are the one-vs-rest vectors over transformed rows, one after another.
/// <see cref="ForgetsAccepted"/>: how many forgets the shard had accepted; the weights are free of all of them.
/// <see cref="Method"/>, <see cref="BoundSpent"/> and <see cref="BudgetLeft"/> say how the last change was made.
/// <see cref="Records"/>: how many records the shard holds.
/// </summary>
[GenerateSerializer, Immutable, Alias("Unlearning.ShardSnapshot")]
public sealed record ShardSnapshot(
    [property: Id(0)] int Shard,
    [property: Id(1)] long Version,
    [property: Id(2)] long ForgetsAccepted,
    [property: Id(3)] double[]? Weights,
    [property: Id(4)] ForgetMethod Method = ForgetMethod.Exact,
    [property: Id(5)] double? BoundSpent = null,
    [property: Id(6)] double? BudgetLeft = null,
    [property: Id(7)] long Records = 0);
