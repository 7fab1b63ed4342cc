namespace Unlearning.Wire;

/// <summary>A shard's part of a forget dry run: its weights as they would be without the subject.</summary>
[GenerateSerializer, Immutable, Alias("Unlearning.ShardForgetEstimate")]
public sealed record ShardForgetEstimate(
    [property: Id(0)] int RecordsAffected,
    [property: Id(1)] double[]? WeightsAfter,
    [property: Id(2)] ForgetMethod Method);
