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
    [property: Id(9)] long ElapsedMs);

[GenerateSerializer, Immutable, Alias("Unlearning.ShardStatus")]
public sealed record ShardStatus(
    [property: Id(0)] int Index,
    [property: Id(1)] long Records,
    [property: Id(2)] long Version,
    [property: Id(3)] string State,
    [property: Id(4)] string Silo,
    [property: Id(5)] int[] SliceTrainings,
    [property: Id(6)] long CleanThrough);

[GenerateSerializer, Immutable, Alias("Unlearning.ModelStatus")]
public sealed record ModelStatus(
    [property: Id(0)] string Model,
    [property: Id(1)] long Records,
    [property: Id(2)] bool Trained,
    [property: Id(3)] long Version,
    [property: Id(4)] ShardStatus[] Shards);

public static class ShardStates
{
    public const string Untrained = "untrained";
    public const string Serving = "serving";
    public const string Retraining = "retraining";
}
