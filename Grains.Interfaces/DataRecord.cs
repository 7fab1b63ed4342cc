namespace Unlearning;

/// <summary>
/// One training record: an opaque record id, the data subject it belongs to (routing key for
/// forgetting), its numeric features in schema order, and its label as an index into the model's labels.
/// </summary>
[GenerateSerializer, Immutable, Alias("Unlearning.DataRecord")]
public sealed record DataRecord(
    [property: Id(0)] string Id,
    [property: Id(1)] string Subject,
    [property: Id(2)] double[] Features,
    [property: Id(3)] int Label)
{
    /// <summary>No ids, subjects or values: Orleans prints call results in some of its log lines.</summary>
    public override string ToString() => $"DataRecord {{ {Features.Length} features }}";
}
