using Unlearning.Learning;

namespace Unlearning.Shard;

/// <summary>
/// A fixed pseudo-random sample of a shard's records (by a stable hash of their ids; ties in canonical order), for
/// the membership audit's control group: the same records on every call while the shard holds them.
/// </summary>
internal static class RecordSample
{
    private const ulong Seed = 0xA0D17;

    public static DataRecord[] Of(ShardRows rows, int count)
    {
        if (count == 0 || rows.Count == 0) return [];
        var keys = new (ulong Hash, int Position)[rows.Count];
        var places = new (int Slice, int Index)[rows.Count];
        var at = 0;
        for (var slice = 0; slice < rows.SliceCount; slice++)
        {
            for (var i = 0; i < rows[slice].Count; i++, at++)
            {
                keys[at] = (StableKeyHash.Of(rows[slice].IdAt(i), Seed), at);
                places[at] = (slice, i);
            }
        }
        Array.Sort(keys);
        return [.. keys.Take(count).Select(key => rows[places[key.Position].Slice].RecordAt(places[key.Position].Index))];
    }
}
