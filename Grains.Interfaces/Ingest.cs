namespace Unlearning;

[GenerateSerializer, Immutable, Alias("Unlearning.IngestResult")]
public sealed record IngestResult(
    [property: Id(0)] int Accepted,
    [property: Id(1)] long TotalRecords);
