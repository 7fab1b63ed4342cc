namespace Unlearning.Shard;

/// <summary>
/// Up to <see cref="MaxRows"/> records of one slice, column by column: ids, subjects, features (row-major) and labels.
/// It is at once the stored row and the shard's in-memory copy of those records: immutable, so a fit reads it off the
/// grain's turn, a forget replaces it with a new chunk rather than changing it, and a store that keeps objects (the
/// memory store) shares it instead of copying it.
/// </summary>
[GenerateSerializer, Immutable, Alias("Unlearning.RecordChunk")]
public sealed record RecordChunk(
    [property: Id(0)] string[] Ids,
    [property: Id(1)] string[] Subjects,
    [property: Id(2)] double[] Features,
    [property: Id(3)] int[] Labels)
{
    /// <summary>Small enough that a forget rewrites little, large enough that a shard holds few rows; a row index fits a byte.</summary>
    public const int MaxRows = 256;

    public static readonly RecordChunk Empty = new([], [], [], []);

    public int Count => Ids.Length;

    public int FeatureCount => Ids.Length == 0 ? 0 : Features.Length / Ids.Length;

    public ReadOnlySpan<double> Row(int row)
    {
        var d = FeatureCount;
        return Features.AsSpan(row * d, d);
    }

    public DataRecord Record(int row) => new(Ids[row], Subjects[row], Row(row).ToArray(), Labels[row]);

    /// <summary>Whether row <paramref name="row"/> is <paramref name="record"/>: same subject, label and feature bits.</summary>
    public bool SameContent(int row, DataRecord record) =>
        string.Equals(Subjects[row], record.Subject, StringComparison.Ordinal) && Labels[row] == record.Label && Row(row).SequenceEqual(record.Features);

    /// <summary>
    /// The records as one chunk, in the order given; subjects as <paramref name="subjectOf"/> names them (the shard's
    /// interned instances), features copied out of the records.
    /// </summary>
    public static RecordChunk Of(IReadOnlyList<DataRecord> records, Func<DataRecord, string> subjectOf)
    {
        if (records.Count == 0) return Empty;
        var d = records[0].Features.Length;
        var ids = new string[records.Count];
        var subjects = new string[records.Count];
        var features = new double[records.Count * d];
        var labels = new int[records.Count];
        for (var i = 0; i < records.Count; i++)
        {
            var record = records[i];
            ids[i] = record.Id;
            subjects[i] = subjectOf(record);
            record.Features.AsSpan().CopyTo(features.AsSpan(i * d, d));
            labels[i] = record.Label;
        }
        return new RecordChunk(ids, subjects, features, labels);
    }

    /// <summary>This chunk without the rows <paramref name="removed"/> marks; the others keep their order.</summary>
    public RecordChunk Without(ReadOnlySpan<bool> removed)
    {
        var kept = 0;
        for (var row = 0; row < Count; row++) if (!removed[row]) kept++;
        if (kept == Count) return this;
        if (kept == 0) return Empty;
        var d = FeatureCount;
        var ids = new string[kept];
        var subjects = new string[kept];
        var features = new double[kept * d];
        var labels = new int[kept];
        var at = 0;
        for (var row = 0; row < Count; row++)
        {
            if (removed[row]) continue;
            ids[at] = Ids[row];
            subjects[at] = Subjects[row];
            Row(row).CopyTo(features.AsSpan(at * d, d));
            labels[at] = Labels[row];
            at++;
        }
        return new RecordChunk(ids, subjects, features, labels);
    }
}
