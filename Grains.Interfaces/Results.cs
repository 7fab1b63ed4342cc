namespace Unlearning;

[GenerateSerializer, Immutable, Alias("Unlearning.IngestResult")]
public sealed record IngestResult(
    [property: Id(0)] int Accepted,
    [property: Id(1)] long TotalRecords);

[GenerateSerializer, Immutable, Alias("Unlearning.TrainResult")]
public sealed record TrainResult(
    [property: Id(0)] string Model,
    [property: Id(1)] long Records,
    [property: Id(2)] int ShardsServing,
    [property: Id(3)] long Version,
    [property: Id(4)] long ElapsedMs);

/// <summary>One row's prediction: the chosen label index and every label's probability.</summary>
[GenerateSerializer, Immutable, Alias("Unlearning.Prediction")]
public sealed record Prediction(
    [property: Id(0)] int Label,
    [property: Id(1)] double[] Probabilities);

/// <summary>Which snapshot of a shard answered a prediction.</summary>
[GenerateSerializer, Immutable, Alias("Unlearning.ShardVersion")]
public sealed record ShardVersion(
    [property: Id(0)] int Shard,
    [property: Id(1)] long Version,
    [property: Id(2)] long CleanThrough);

[GenerateSerializer, Immutable, Alias("Unlearning.PredictionBatch")]
public sealed record PredictionBatch(
    [property: Id(0)] Prediction[] Predictions,
    [property: Id(1)] long Version,
    [property: Id(2)] ShardVersion[] ShardsUsed);

[GenerateSerializer, Immutable, Alias("Unlearning.EvaluationResult")]
public sealed record EvaluationResult(
    [property: Id(0)] string Model,
    [property: Id(1)] int Rows,
    [property: Id(2)] double Accuracy,
    [property: Id(3)] long Version);

/// <summary>What a forget did: returned once the owning shard serves weights retrained without the subject.</summary>
[GenerateSerializer, Immutable, Alias("Unlearning.ForgetReceipt")]
public sealed record ForgetReceipt(
    [property: Id(0)] string RequestId,
    [property: Id(1)] string Model,
    [property: Id(2)] string Subject,
    [property: Id(3)] int Shard,
    [property: Id(4)] int RecordsRemoved,
    [property: Id(5)] int SlicesRetrained,
    [property: Id(6)] long VersionBefore,
    [property: Id(7)] long VersionAfter,
    [property: Id(8)] string Method,
    [property: Id(9)] long ElapsedMs,
    [property: Id(10)] double? BoundSpent = null,
    [property: Id(11)] double? BudgetLeft = null);

[GenerateSerializer, Immutable, Alias("Unlearning.ShardStatus")]
public sealed record ShardStatus(
    [property: Id(0)] int Index,
    [property: Id(1)] long Records,
    [property: Id(2)] long Version,
    [property: Id(3)] string State,
    [property: Id(4)] string Silo,
    [property: Id(5)] int[] SliceTrainings,
    [property: Id(6)] long CleanThrough,
    [property: Id(7)] CertifiedBudget? Budget = null);

/// <summary>A certified shard's residual-bound budget: removals stay (epsilon, delta)-certified while Spent &lt;= Total.</summary>
[GenerateSerializer, Immutable, Alias("Unlearning.CertifiedBudget")]
public sealed record CertifiedBudget(
    [property: Id(0)] double Total,
    [property: Id(1)] double Spent)
{
    public double Left => Total - Spent;
}

[GenerateSerializer, Immutable, Alias("Unlearning.ModelStatus")]
public sealed record ModelStatus(
    [property: Id(0)] string Model,
    [property: Id(1)] long Records,
    [property: Id(2)] bool Trained,
    [property: Id(3)] long Version,
    [property: Id(4)] ShardStatus[] Shards);

/// <summary>A training record's influence on one prediction's loss (its id only: never its values).</summary>
[GenerateSerializer, Immutable, Alias("Unlearning.RecordInfluence")]
public sealed record RecordInfluence(
    [property: Id(0)] string RecordId,
    [property: Id(1)] int Shard,
    [property: Id(2)] double Score);

/// <summary>
/// For one row: the predicted label and the training records whose up-weighting most raises (<see cref="Raising"/>)
/// and most lowers (<see cref="Lowering"/>) that label's loss, scored as -grad L(test)^T H^-1 grad L(z) within
/// each shard's sub-model, times the shard's weight in the ensemble.
/// </summary>
[GenerateSerializer, Immutable, Alias("Unlearning.Explanation")]
public sealed record Explanation(
    [property: Id(0)] int Label,
    [property: Id(1)] RecordInfluence[] Raising,
    [property: Id(2)] RecordInfluence[] Lowering);

[GenerateSerializer, Immutable, Alias("Unlearning.ExplanationBatch")]
public sealed record ExplanationBatch(
    [property: Id(0)] Explanation[] Rows,
    [property: Id(1)] long Version);

/// <summary>
/// What forgetting a subject would do to predictions on probe rows, computed without changing anything.
/// Method "influence": an influence-function estimate (exact models); "certified": the certified update itself.
/// </summary>
[GenerateSerializer, Immutable, Alias("Unlearning.ForgetEstimate")]
public sealed record ForgetEstimate(
    [property: Id(0)] string Model,
    [property: Id(1)] string Subject,
    [property: Id(2)] int Shard,
    [property: Id(3)] int RecordsAffected,
    [property: Id(4)] string Method,
    [property: Id(5)] Prediction[] Before,
    [property: Id(6)] Prediction[] After,
    [property: Id(7)] long Version);

public static class ForgetMethods
{
    public const string Exact = "exact";
    public const string Retrain = "retrain";
    public const string Certified = "certified";
    public const string Influence = "influence";
}

public static class ShardStates
{
    public const string Untrained = "untrained";
    public const string Serving = "serving";
    public const string Retraining = "retraining";
}
