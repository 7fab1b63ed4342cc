namespace Unlearning;

/// <summary>Where a shard stands.</summary>
[GenerateSerializer, Alias("Unlearning.ShardServingState")]
public enum ShardServingState
{
    /// <summary>The model has not been trained yet.</summary>
    Untrained = 0,
    /// <summary>Serving weights trained on every record it holds.</summary>
    Serving = 1,
    /// <summary>Computing checkpoints after a change; serving its last clean checkpoint meanwhile, if any.</summary>
    Retraining = 2,
    /// <summary>Kept out of the ensemble by the model until it proves what it serves (see <see cref="ShardStatus.Exclusion"/>).</summary>
    Excluded = 3,
    /// <summary>Did not answer the status call in time (its silo may be down); predictions may still use its last clean weights.</summary>
    Unreachable = 4,
}

[GenerateSerializer, Immutable, Alias("Unlearning.ShardStatus")]
public sealed record ShardStatus(
    [property: Id(0)] int Index,
    [property: Id(1)] long Records,
    [property: Id(2)] long Version,
    [property: Id(3)] ShardServingState State,
    [property: Id(4)] string Silo,
    [property: Id(5)] int[] SliceTrainings,
    [property: Id(6)] long ForgetsAccepted,
    [property: Id(8)] string? Exclusion = null);

/// <summary>
/// A certified model's budgets, for auditors: a function of the removed rows (what each step spent), so never part of an
/// ordinary reply. <see cref="Shards"/> lists every shard with a model.
/// </summary>
[GenerateSerializer, Immutable, Alias("Unlearning.CertificationStatus")]
public sealed record CertificationStatus(
    [property: Id(0)] string Model,
    [property: Id(1)] double Epsilon,
    [property: Id(2)] double Delta,
    [property: Id(3)] ShardCertification[] Shards);

/// <summary>A certified shard's budget now, and how many exact refits it has made (each resets the budget).</summary>
[GenerateSerializer, Immutable, Alias("Unlearning.ShardCertification")]
public sealed record ShardCertification(
    [property: Id(0)] int Index,
    [property: Id(1)] CertifiedBudget? Budget,
    [property: Id(2)] long Refits);

/// <summary>A certified shard's residual-bound budget: removals stay (epsilon, delta)-certified while Spent &lt;= Total.</summary>
[GenerateSerializer, Immutable, Alias("Unlearning.CertifiedBudget")]
public sealed record CertifiedBudget(
    [property: Id(0)] double Total,
    [property: Id(1)] double Spent)
{
    public double Left => Total - Spent;
}

/// <summary>
/// A model's state: its shards as they report themselves, how many of them predictions use now (<see cref="ShardsUsed"/>),
/// and <see cref="Alerts"/>: conditions an operator must look at (a shard out of the ensemble for too long).
/// </summary>
[GenerateSerializer, Immutable, Alias("Unlearning.ModelStatus")]
public sealed record ModelStatus(
    [property: Id(0)] string Model,
    [property: Id(1)] long Records,
    [property: Id(2)] bool Trained,
    [property: Id(3)] long Version,
    [property: Id(4)] ShardStatus[] Shards,
    [property: Id(5)] int ShardsUsed = 0,
    [property: Id(6)] string[]? Alerts = null);
