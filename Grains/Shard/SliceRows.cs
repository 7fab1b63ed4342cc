namespace Unlearning.Shard;

/// <summary>
/// One slice's committed records in the slice's canonical order (sorted by ordinal id), as a view over the shard's
/// chunks: each entry names a chunk and a row in it, so the rows are not copied. Immutable (the chunks are, and a change
/// of the slice makes a new view), so a fit reads it off the grain's turn.
/// </summary>
internal sealed class SliceRows
{
    public static readonly SliceRows Empty = new([], []);

    private readonly RecordChunk[] _chunks;
    private readonly int[] _order;

    /// <param name="chunks">The slice's chunks by slot; entries refer to them.</param>
    /// <param name="order">Entries (<see cref="RowEntry"/>), sorted by the ids they point at.</param>
    public SliceRows(RecordChunk[] chunks, int[] order)
    {
        _chunks = chunks;
        _order = order;
    }

    public int Count => _order.Length;

    public string IdAt(int index) => RowEntry.Id(_chunks, _order[index]);

    public DataRecord RecordAt(int index) => RowEntry.Chunk(_chunks, _order[index]).Record(RowEntry.Row(_order[index]));

    /// <summary>
    /// Writes the rows' features (row-major), labels and, when asked, ids, in order, to the start of the given spans.
    /// </summary>
    public void CopyTo(Span<double> features, Span<int> labels, Span<string> ids = default)
    {
        var at = 0;
        for (var i = 0; i < _order.Length; i++)
        {
            var entry = _order[i];
            var chunk = RowEntry.Chunk(_chunks, entry);
            var row = RowEntry.Row(entry);
            var values = chunk.Row(row);
            values.CopyTo(features[at..]);
            at += values.Length;
            labels[i] = chunk.Labels[row];
            if (!ids.IsEmpty) ids[i] = chunk.Ids[row];
        }
    }

    public IEnumerable<DataRecord> Records()
    {
        for (var i = 0; i < _order.Length; i++) yield return RecordAt(i);
    }

    /// <summary>Records that are not stored in chunks (tests, and a learner's own copies), as one slice.</summary>
    public static SliceRows Of(IEnumerable<DataRecord> records)
    {
        var sorted = records.OrderBy(r => r.Id, StringComparer.Ordinal).ToArray();
        if (sorted.Length == 0) return Empty;
        var chunks = sorted.Chunk(RecordChunk.MaxRows).Select(part => RecordChunk.Of(part, r => r.Subject)).ToArray();
        var order = new int[sorted.Length];
        for (var i = 0; i < order.Length; i++) order[i] = RowEntry.Of(i / RecordChunk.MaxRows, i % RecordChunk.MaxRows);
        return new SliceRows(chunks, order);
    }
}
