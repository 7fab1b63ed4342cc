namespace Unlearning.Shard;

/// <summary>
/// A shard's committed records slice by slice, each in canonical order: what a learner trains on, explains with and
/// verifies against. Immutable (a view over immutable chunks), so it is safe to read off the grain's turn.
/// </summary>
internal sealed class ShardRows(SliceRows[] slices)
{
    public static ShardRows Of(params IEnumerable<DataRecord>[] slices) => new([.. slices.Select(SliceRows.Of)]);

    public int SliceCount => slices.Length;

    public SliceRows this[int slice] => slices[slice];

    public int Count => CountUpTo(slices.Length - 1);

    /// <summary>Rows in slices 0..<paramref name="lastSlice"/>.</summary>
    public int CountUpTo(int lastSlice)
    {
        var count = 0;
        for (var slice = 0; slice <= lastSlice; slice++) count += slices[slice].Count;
        return count;
    }

    /// <summary>Every committed record, slice by slice in canonical order, each a new copy.</summary>
    public IEnumerable<DataRecord> Records() => slices.SelectMany(slice => slice.Records());

    /// <summary>
    /// Writes the rows of slices 0..<paramref name="lastSlice"/> in canonical order (features row-major, labels, and ids
    /// when asked) to the start of the given spans, which hold at least <see cref="CountUpTo"/> rows.
    /// </summary>
    public void CopyPrefixTo(int lastSlice, int featureCount, Span<double> features, Span<int> labels, Span<string> ids = default)
    {
        var rows = 0;
        for (var slice = 0; slice <= lastSlice; slice++)
        {
            var part = slices[slice];
            if (part.Count == 0) continue;
            part.CopyTo(features[(rows * featureCount)..], labels.Slice(rows, part.Count), ids.IsEmpty ? default : ids.Slice(rows, part.Count));
            rows += part.Count;
        }
    }
}
