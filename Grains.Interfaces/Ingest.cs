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

/// <summary>
/// An ingest whose outcome is decided (committed or aborted) but not yet confirmed by every shard, say because a silo is
/// down: it completes by itself when they answer. Repeating the commit is safe.
/// </summary>
[GenerateSerializer, Alias("Unlearning.IngestNotSettledException")]
public sealed class IngestNotSettledException : Exception
{
    public IngestNotSettledException(string ingestId, bool committed)
        : base($"ingest {Quoted.Value(ingestId)} is {(committed ? "committed" : "aborted")}, but not every shard has confirmed it yet " +
            "(a silo may be down); it completes by itself when they answer: `status` shows the records once it has")
    {
        IngestId = ingestId;
        Committed = committed;
    }

    [Id(0)] public string IngestId { get; }

    [Id(1)] public bool Committed { get; }
}
