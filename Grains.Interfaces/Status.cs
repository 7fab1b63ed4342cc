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
/// ordinary reply. <see cref="Shards"/> lists every shard with a model. <see cref="Sigma"/> and <see cref="Lambda"/>: the
/// model's (0 while a calibration is pending); <see cref="Removals"/>: the removals per shard it was calibrated for (0: sigma given).
/// </summary>
[GenerateSerializer, Immutable, Alias("Unlearning.CertificationStatus")]
public sealed record CertificationStatus(
    [property: Id(0)] string Model,
    [property: Id(1)] double Epsilon,
    [property: Id(2)] double Delta,
    [property: Id(3)] ShardCertification[] Shards,
    [property: Id(4)] double Sigma = 0,
    [property: Id(5)] double Lambda = 0,
    [property: Id(6)] int Removals = 0);

/// <summary>
/// A certified shard's budget now, how many exact refits it has made (each resets the budget), and an estimate of the
/// single-record removals its budget has left: <see cref="RemovalsLeft"/> = budget left / <see cref="StepBound"/>, the bound
/// one removal is expected to spend: the mean of the steps this shard's model has taken once there are 10 of them, before
/// that the calibration's measurement (null when neither is known: sigma given and no step taken yet).
/// </summary>
[GenerateSerializer, Immutable, Alias("Unlearning.ShardCertification")]
public sealed record ShardCertification(
    [property: Id(0)] int Index,
    [property: Id(1)] CertifiedBudget? Budget,
    [property: Id(2)] long Refits,
    [property: Id(3)] double? StepBound = null,
    [property: Id(4)] long? RemovalsLeft = null);

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
/// <see cref="Alerts"/>: conditions an operator must look at (a shard out of the ensemble for too long), and its config
/// (for certified models, the sigma and lambda its calibration chose, with the accuracy they cost).
/// </summary>
[GenerateSerializer, Immutable, Alias("Unlearning.ModelStatus")]
public sealed record ModelStatus(
    [property: Id(0)] string Model,
    [property: Id(1)] long Records,
    [property: Id(2)] bool Trained,
    [property: Id(3)] long Version,
    [property: Id(4)] ShardStatus[] Shards,
    [property: Id(5)] int ShardsUsed = 0,
    [property: Id(6)] string[]? Alerts = null,
    [property: Id(7)] ModelConfig? Config = null);
