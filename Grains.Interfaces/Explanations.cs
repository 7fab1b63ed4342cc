namespace Unlearning;

/// <summary>A training record's influence on one prediction's loss (its id only: never its values).</summary>
[GenerateSerializer, Immutable, Alias("Unlearning.RecordInfluence")]
public sealed record RecordInfluence(
    [property: Id(0)] string RecordId,
    [property: Id(1)] int Shard,
    [property: Id(2)] double Score)
{
    /// <summary>No ids, subjects or values: Orleans prints call results in some of its log lines.</summary>
    public override string ToString() => $"RecordInfluence {{ shard {Shard} }}";
}

/// <summary>
/// For one row: the predicted label and the training records whose up-weighting most raises (<see cref="Raising"/>)
/// and most lowers (<see cref="Lowering"/>) that label's loss, scored as -grad L(test)^T H^-1 grad L(z) within
/// each shard's sub-model, times the shard's weight in the ensemble.
/// </summary>
[GenerateSerializer, Immutable, Alias("Unlearning.Explanation")]
public sealed record Explanation(
    [property: Id(0)] int Label,
    [property: Id(1)] RecordInfluence[] Raising,
    [property: Id(2)] RecordInfluence[] Lowering)
{
    /// <summary>No ids, subjects or values: Orleans prints call results in some of its log lines.</summary>
    public override string ToString() => $"Explanation {{ {Raising.Length} raising, {Lowering.Length} lowering }}";
}

[GenerateSerializer, Immutable, Alias("Unlearning.ExplanationBatch")]
public sealed record ExplanationBatch(
    [property: Id(0)] Explanation[] Rows,
    [property: Id(1)] long Version)
{
    /// <summary>No ids, subjects or values: Orleans prints call results in some of its log lines.</summary>
    public override string ToString() => $"ExplanationBatch {{ {Rows.Length} rows, version {Version} }}";
}
