using Unlearning.Learning;

namespace Unlearning.Shard;

internal static class TrainingInput
{
    /// <summary>
    /// The rows of slices 0..<paramref name="lastSlice"/> in canonical order (slice by slice, each sorted by id),
    /// copied so training can run off the grain's turn while the shard keeps changing; null when empty.
    /// </summary>
    public static TrainingSet? ForPrefix(IReadOnlyList<List<DataRecord>> slices, int lastSlice, ModelConfig config)
    {
        var rows = 0;
        for (var s = 0; s <= lastSlice; s++) rows += slices[s].Count;
        if (rows == 0) return null;

        var d = config.FeatureCount;
        var features = new double[rows * d];
        var labels = new int[rows];
        var row = 0;
        for (var s = 0; s <= lastSlice; s++)
        {
            foreach (var record in slices[s])
            {
                record.Features.CopyTo(features, row * d);
                labels[row++] = record.Label;
            }
        }
        return new TrainingSet(features, labels, d, config.ClassCount);
    }
}
