using Unlearning.Learning;

namespace Unlearning.Shard;

/// <summary>Rows for the learner with the ids of their records, row for row.</summary>
internal sealed record ShardData(TrainingSet Set, string[] Ids);

internal static class TrainingInput
{
    /// <summary>
    /// The rows of slices 0..<paramref name="lastSlice"/> in canonical order (slice by slice, each sorted by id),
    /// copied so training can run off the grain's turn while the shard keeps changing; null when empty.
    /// </summary>
    public static ShardData? ForPrefix(IReadOnlyList<List<DataRecord>> slices, int lastSlice, ModelConfig config) =>
        Of(slices.Take(lastSlice + 1).SelectMany(slice => slice), config);

    /// <summary>The given records, in the order given; null when there are none.</summary>
    public static ShardData? Of(IEnumerable<DataRecord> records, ModelConfig config)
    {
        var list = records as IReadOnlyCollection<DataRecord> ?? records.ToArray();
        if (list.Count == 0) return null;
        var d = config.FeatureCount;
        var features = new double[list.Count * d];
        var labels = new int[list.Count];
        var ids = new string[list.Count];
        var row = 0;
        foreach (var record in list)
        {
            record.Features.CopyTo(features, row * d);
            labels[row] = record.Label;
            ids[row++] = record.Id;
        }
        return new ShardData(new TrainingSet(features, labels, d, config.ClassCount), ids);
    }
}
