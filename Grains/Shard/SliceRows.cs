namespace Unlearning.Shard;

/// <summary>
/// One slice's records as learner rows, in the slice's canonical order (sorted by id). Immutable, so a fit
/// reads it off the grain's turn; the store builds it once per change of the slice, not once per fit.
/// </summary>
internal sealed class SliceRows
{
    public static readonly SliceRows Empty = new([], [], []);

    private SliceRows(double[] features, int[] labels, string[] ids)
    {
        Features = features;
        Labels = labels;
        Ids = ids;
    }

    public double[] Features { get; }
    public int[] Labels { get; }
    public string[] Ids { get; }
    public int Count => Ids.Length;

    public static SliceRows Of(IReadOnlyList<DataRecord> records)
    {
        if (records.Count == 0) return Empty;
        var d = records[0].Features.Length;
        var features = new double[records.Count * d];
        var labels = new int[records.Count];
        var ids = new string[records.Count];
        for (var i = 0; i < records.Count; i++)
        {
            var record = records[i];
            record.Features.AsSpan().CopyTo(features.AsSpan(i * d, d));
            labels[i] = record.Label;
            ids[i] = record.Id;
        }
        return new SliceRows(features, labels, ids);
    }
}
