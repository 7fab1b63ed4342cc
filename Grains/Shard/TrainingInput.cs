using Unlearning.Learning;

namespace Unlearning.Shard;

/// <summary>Rows for the learner with the ids of their records, row for row.</summary>
internal sealed record ShardData(TrainingSet Set, string[] Ids);

internal static class TrainingInput
{
    /// <summary>
    /// The rows of slices 0..<paramref name="lastSlice"/> in canonical order (slice by slice, each sorted by id),
    /// safe to use off the grain's turn while the shard keeps changing; null when empty.
    /// </summary>
    public static ShardData? ForPrefix(IShardRecords records, int lastSlice, ModelConfig config)
    {
        var parts = NonEmptySlices(records, lastSlice);
        if (parts.Length == 0) return null;
        // Slice rows are immutable: a prefix of one slice is shared, not copied.
        if (parts.Length == 1) return new ShardData(new TrainingSet(parts[0].Features, parts[0].Labels, config.FeatureCount, config.ClassCount), parts[0].Ids);
        var count = parts.Sum(rows => rows.Count);
        var features = new double[count * config.FeatureCount];
        var labels = new int[count];
        var ids = new string[count];
        var at = 0;
        foreach (var rows in parts)
        {
            rows.Features.CopyTo(features, at * config.FeatureCount);
            rows.Labels.CopyTo(labels, at);
            rows.Ids.CopyTo(ids, at);
            at += rows.Count;
        }
        return new ShardData(new TrainingSet(features, labels, config.FeatureCount, config.ClassCount), ids);
    }

    /// <summary>The non-empty slices among 0..<paramref name="lastSlice"/> as learner rows, in order, without copying them.</summary>
    public static TrainingSet[] PartsOfPrefix(IShardRecords records, int lastSlice, ModelConfig config) =>
        [.. NonEmptySlices(records, lastSlice).Select(rows => new TrainingSet(rows.Features, rows.Labels, config.FeatureCount, config.ClassCount))];

    private static SliceRows[] NonEmptySlices(IShardRecords records, int lastSlice) =>
        [.. Enumerable.Range(0, lastSlice + 1).Select(records.RowsOf).Where(rows => rows.Count > 0)];

    /// <summary>The given records, in the order given; null when there are none.</summary>
    public static ShardData? Of(IEnumerable<DataRecord> records, ModelConfig config)
    {
        var list = records as IReadOnlyList<DataRecord> ?? records.ToArray();
        if (list.Count == 0) return null;
        var rows = SliceRows.Of(list);
        return new ShardData(new TrainingSet(rows.Features, rows.Labels, config.FeatureCount, config.ClassCount), rows.Ids);
    }
}
