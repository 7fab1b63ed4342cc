using Unlearning.Learning;

namespace Unlearning.Shard;

/// <summary>Rows for the learner with the ids of their records, row for row.</summary>
internal sealed record ShardData(TrainingSet Set, string[] Ids);

internal static class TrainingInput
{
    /// <summary>
    /// A copy of the rows of slices 0..<paramref name="lastSlice"/> in canonical order (slice by slice, each sorted by id),
    /// for learners that keep rows of their own (influence analyses, certified bases); null when empty.
    /// </summary>
    public static ShardData? ForPrefix(ShardRows rows, int lastSlice, ModelConfig config)
    {
        var count = rows.CountUpTo(lastSlice);
        if (count == 0) return null;
        var features = new double[count * config.FeatureCount];
        var labels = new int[count];
        var ids = new string[count];
        rows.CopyPrefixTo(lastSlice, config.FeatureCount, features, labels, ids);
        return new ShardData(new TrainingSet(features, labels, config.FeatureCount, config.ClassCount), ids);
    }

    /// <summary>The given records, in the order given; null when there are none.</summary>
    public static ShardData? Of(IEnumerable<DataRecord> records, ModelConfig config)
    {
        var list = records as IReadOnlyList<DataRecord> ?? records.ToArray();
        if (list.Count == 0) return null;
        var d = config.FeatureCount;
        var features = new double[list.Count * d];
        var labels = new int[list.Count];
        var ids = new string[list.Count];
        for (var i = 0; i < list.Count; i++)
        {
            list[i].Features.AsSpan().CopyTo(features.AsSpan(i * d, d));
            labels[i] = list[i].Label;
            ids[i] = list[i].Id;
        }
        return new ShardData(new TrainingSet(features, labels, d, config.ClassCount), ids);
    }
}
