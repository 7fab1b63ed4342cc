using Unlearning.Learning;

namespace Unlearning.Tests.Learning;

public sealed class PartitioningTests
{
    // Pinned values: if any changes, every persisted shard layout would silently move (records in the wrong shard,
    // forgets routed where the subject is not). Computed once with this code and written down; never regenerate them.
    [Theory]
    [InlineData("P000001", 5, 13, 2, 0xC29386CE118BE6F1)]
    [InlineData("P000123", 4, 4, 2, 0x7A4E719357322AAB)]
    [InlineData("842302", 5, 13, 2, 0xD4B0DEBDCC635631)]
    [InlineData("patient-42", 2, 10, 3, 0x9DA0E911FD7638C9)]
    [InlineData("é-ünïcode", 6, 14, 2, 0x02F35A5F5284F509)]
    public void Hash_shard_and_slice_are_fixed_values(string id, int shardOf8, int shardOf16, int sliceOf4, ulong hash)
    {
        Assert.Equal(shardOf8, Partitioning.ShardOf(id, 8));
        Assert.Equal(shardOf16, Partitioning.ShardOf(id, 16));
        Assert.Equal(sliceOf4, Partitioning.SliceOf(id, 4));
        Assert.Equal(hash, StableKeyHash.Of(id, 1));
    }

    [Fact]
    public void Seeds_change_the_hash()
    {
        Assert.NotEqual(StableKeyHash.Of("a", 1), StableKeyHash.Of("a", 2));
    }

    [Fact]
    public void Shards_and_slices_are_roughly_balanced()
    {
        var ids = Enumerable.Range(0, 16_000).Select(i => $"P{i:000000}").ToArray();
        var shards = ids.GroupBy(id => Partitioning.ShardOf(id, 16)).Select(g => g.Count()).ToArray();
        var slices = ids.GroupBy(id => Partitioning.SliceOf(id, 4)).Select(g => g.Count()).ToArray();
        Assert.Equal(16, shards.Length);
        Assert.All(shards, count => Assert.InRange(count, 850, 1150));
        Assert.All(slices, count => Assert.InRange(count, 3800, 4200));
    }

    [Fact]
    public void Large_ids_hash_like_small_ones()
    {
        var longId = new string('x', 1000);
        Assert.Equal(StableKeyHash.Of(longId, 3), StableKeyHash.Of(new string('x', 1000), 3));
    }
}
