using Unlearning.Model;
using Unlearning.Wire;

namespace Unlearning.Tests.Model;

public sealed class ModelShardsTests
{
    private static readonly ModelConfig Config = new("m", ["x"], ["a", "b"], 3, 2, 1e-4, EnsembleMode.Average, 10);

    private static ShardSnapshot Serving(int shard, long version, long forgetsAccepted = 0) =>
        new(shard, version, forgetsAccepted, [0.0, 0.0, 0.0, 0.0], Records: 10);

    private static ModelShards AllServing(Action? onChanged = null)
    {
        var shards = new ModelShards(Config, TimeProvider.System, onChanged ?? (() => { }));
        for (var i = 0; i < 3; i++) shards.Offer(Serving(i, 1));
        return shards;
    }

    [Fact]
    public void Every_shard_with_weights_serves_and_the_view_is_cached_until_a_change()
    {
        var shards = AllServing();
        var first = shards.Current;
        Assert.Equal([0, 1, 2], first.Used.Select(u => u.Shard));
        Assert.Equal(3, first.Version);
        Assert.Equal(30, shards.Records);
        Assert.Same(first, shards.Current);

        shards.Offer(Serving(1, 2));
        Assert.NotSame(first, shards.Current);
        Assert.Equal(4, shards.Current.Version);
    }

    [Fact]
    public void Every_change_is_told_in_its_turn_and_an_ignored_snapshot_is_not_a_change()
    {
        var told = 0;
        var shards = AllServing(() => told++);
        Assert.Equal(3, told);

        shards.Offer(Serving(1, 1));
        Assert.Equal(3, told);
        shards.Offer(Serving(1, 2));
        Assert.Equal(4, told);
        shards[2].ForgetsInFlight++;
        shards.Changed();
        Assert.Equal(5, told);
    }

    [Fact]
    public void Older_snapshots_are_ignored()
    {
        var shards = AllServing();
        shards.Offer(Serving(1, 5));
        var before = shards.Current;
        shards.Offer(Serving(1, 4));
        Assert.Same(before, shards.Current);
        Assert.Equal(5, shards[1].Snapshot.Version);
    }

    [Fact]
    public void A_shard_with_a_forget_in_flight_a_stale_snapshot_or_a_suspension_is_left_out()
    {
        var shards = AllServing();
        shards[0].ForgetsInFlight++;
        shards[1].RequireForgetsAccepted(1);
        shards[2].Exclude("a forget failed midway");
        shards.Changed();
        Assert.Empty(shards.Current.Members);

        shards[0].ForgetsInFlight--;
        shards.Offer(Serving(1, 2, forgetsAccepted: 1));
        Assert.Equal([0, 1], shards.Current.Used.Select(u => u.Shard));
    }

    [Fact]
    public async Task Waiters_learn_of_the_next_change()
    {
        var shards = AllServing();
        var next = shards.NextChange;
        Assert.False(next.IsCompleted);
        shards.Offer(Serving(2, 3));
        await next.WaitAsync(TimeSpan.FromSeconds(5));
        Assert.False(shards.NextChange.IsCompleted);
    }
}
