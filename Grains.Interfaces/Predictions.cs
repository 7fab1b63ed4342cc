namespace Unlearning;

/// <summary>One row's prediction: the chosen label index and every label's probability.</summary>
[GenerateSerializer, Immutable, Alias("Unlearning.Prediction")]
public sealed record Prediction(
    [property: Id(0)] int Label,
    [property: Id(1)] double[] Probabilities);

/// <summary>Which snapshot of a shard answered a prediction: its version, free of its first <see cref="ForgetsAccepted"/> forgets.</summary>
[GenerateSerializer, Immutable, Alias("Unlearning.ShardVersion")]
public sealed record ShardVersion(
    [property: Id(0)] int Shard,
    [property: Id(1)] long Version,
    [property: Id(2)] long ForgetsAccepted);

[GenerateSerializer, Immutable, Alias("Unlearning.PredictionBatch")]
public sealed record PredictionBatch(
    [property: Id(0)] Prediction[] Predictions,
    [property: Id(1)] long Version,
    [property: Id(2)] ShardVersion[] ShardsUsed);

/// <summary>Accuracy on labelled rows; <see cref="ShardsUsed"/>: how many shards the predictions used.</summary>
[GenerateSerializer, Immutable, Alias("Unlearning.EvaluationResult")]
public sealed record EvaluationResult(
    [property: Id(0)] string Model,
    [property: Id(1)] int Rows,
    [property: Id(2)] double Accuracy,
    [property: Id(3)] long Version,
    [property: Id(4)] int ShardsUsed = 0);
