namespace Unlearning.Learning;

/// <summary>
/// Where a record lives: its shard follows its subject (so forgetting a subject touches one shard),
/// its slice follows its own id. Both are functions of the record alone, never of arrival order.
/// </summary>
public static class Partitioning
{
    private const ulong ShardSeed = 0x5EED_5A4D;
    private const ulong SliceSeed = 0x5EED_511C;

    public static int ShardOf(string subject, int shards) => (int)(StableKeyHash.Of(subject, ShardSeed) % (ulong)shards);

    public static int SliceOf(string recordId, int slices) => (int)(StableKeyHash.Of(recordId, SliceSeed) % (ulong)slices);
}
