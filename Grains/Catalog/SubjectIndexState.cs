namespace Unlearning.Catalog;

/// <summary>
/// What a bucket of the subject index persists in its own row: a key drawn at random when the bucket is first used, the
/// names of the models it has entries for, and which segment rows (<see cref="SubjectSegment"/>, stored beside it as
/// <c>subjects-N</c>) hold its entries. Small whatever the number of subjects: an ingest batch writes one segment and
/// this row, not every entry again.
/// </summary>
[GenerateSerializer, Alias("Unlearning.SubjectIndexState")]
public sealed class SubjectIndexState
{
    [Id(0)] public byte[]? Key { get; set; }

    /// <summary>The form before segments (base64 HMAC -> model names); moved into a segment when the bucket activates.</summary>
    [Id(1)] public Dictionary<string, List<string>> Models { get; set; } = new(StringComparer.Ordinal);

    /// <summary>Model names; an entry's model is its position here. A deleted model's name is blanked, and the next new model takes its slot.</summary>
    [Id(2)] public List<string> ModelNames { get; set; } = [];

    /// <summary>The segment rows that hold the entries, oldest first.</summary>
    [Id(3)] public List<int> Segments { get; set; } = [];

    /// <summary>The number the next segment row takes; a row under it was written by a call that did not finish.</summary>
    [Id(4)] public int NextSegment { get; set; }

    /// <summary>Segment rows merged into a newer one and not yet known to be deleted.</summary>
    [Id(5)] public List<int> Retired { get; set; } = [];
}
