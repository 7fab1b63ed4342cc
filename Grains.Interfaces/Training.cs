namespace Unlearning;

[GenerateSerializer, Immutable, Alias("Unlearning.TrainResult")]
public sealed record TrainResult(
    [property: Id(0)] string Model,
    [property: Id(1)] long Records,
    [property: Id(2)] int ShardsServing,
    [property: Id(3)] long Version,
    [property: Id(4)] long ElapsedMs);
