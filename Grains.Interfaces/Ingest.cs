namespace Unlearning;

/// <summary>
/// What an ingest call did. <see cref="Accepted"/>: records new to the model (staged, or committed by a commit);
/// <see cref="Unchanged"/>: records the model already held exactly as sent (a resend); <see cref="TotalRecords"/>: the
/// model's records as far as it knows (staged records are not counted until their ingest commits).
/// </summary>
[GenerateSerializer, Immutable, Alias("Unlearning.IngestResult")]
public sealed record IngestResult(
    [property: Id(0)] int Accepted,
    [property: Id(1)] long TotalRecords,
    [property: Id(2)] int Unchanged = 0);
