using Microsoft.Extensions.Time.Testing;
using Unlearning.Serving;
using Unlearning.Wire;

namespace Unlearning.Tests.Serving;

public sealed class ModelReplicaTests
{
    private static readonly ModelConfig Config = new("m", ["x"], ["a", "b"], 2, 2, 1e-4, EnsembleMode.Average, 10);
    private static readonly TimeSpan Lease = TimeSpan.FromSeconds(5);
    private static readonly Guid Epoch = Guid.NewGuid();

    private readonly FakeTimeProvider _time = new();

    private ModelReplica NewReplica() => new(_time, Lease);

    private static ServingSet Set(long generation, Guid? epoch = null, long version = 1) => new(
        Config, [new ServedShard(new ShardVersion(0, version, 0), [0.5, 0.0, -0.5, 0.0])], version, epoch ?? Epoch, generation);

    private static Task<Replica?> Fetch(ModelReplica replica, ServingSet set) => replica.FetchAsync(() => Task.FromResult(set));

    [Fact]
    public async Task A_fetched_set_is_served_until_its_lease_runs_out()
    {
        var replica = NewReplica();
        Assert.Null(replica.Enter());
        Assert.NotNull(await Fetch(replica, Set(0)));

        var served = replica.Enter();
        Assert.NotNull(served);
        served.Exit();
        var answer = served.Predict([[1.0]]);
        Assert.Equal(1, answer.Version);
        Assert.Equal(0, answer.ShardsUsed.Single().Shard);

        _time.Advance(Lease - TimeSpan.FromMilliseconds(1));
        Assert.True(replica.Serving);
        _time.Advance(TimeSpan.FromMilliseconds(1));
        Assert.False(replica.Serving);
        Assert.Null(replica.Enter());
    }

    [Fact]
    public async Task The_lease_counts_from_when_the_fetch_was_sent_not_answered()
    {
        var replica = NewReplica();
        var answer = new TaskCompletionSource<ServingSet>();
        var fetch = replica.FetchAsync(() => answer.Task);
        _time.Advance(TimeSpan.FromSeconds(4));
        answer.SetResult(Set(0));
        Assert.NotNull(await fetch);
        _time.Advance(TimeSpan.FromSeconds(1));
        Assert.Null(replica.Enter());
    }

    [Fact]
    public async Task An_invalidation_drops_an_older_generation_or_another_activation_and_keeps_a_newer_one()
    {
        var replica = NewReplica();
        await Fetch(replica, Set(3));
        await replica.InvalidateAsync(Epoch, 3);
        Assert.True(replica.Serving);
        await replica.InvalidateAsync(Epoch, 4);
        Assert.False(replica.Serving);

        await Fetch(replica, Set(4));
        Assert.True(replica.Serving);
        await replica.InvalidateAsync(Guid.NewGuid(), 0);
        Assert.False(replica.Serving);
    }

    /// <summary>A fetch whose answer comes after an invalidation of generation <paramref name="invalidated"/> arrived.</summary>
    private static async Task<Replica?> FetchAcrossInvalidationAsync(ModelReplica replica, long invalidated, ServingSet answer)
    {
        var pending = new TaskCompletionSource<ServingSet>();
        var fetch = replica.FetchAsync(() => pending.Task);
        await replica.InvalidateAsync(Epoch, invalidated);
        pending.SetResult(answer);
        return await fetch;
    }

    [Fact]
    public async Task A_fetch_in_flight_when_an_invalidation_arrives_is_served_only_if_its_answer_is_as_new()
    {
        var replica = NewReplica();
        Assert.Null(await FetchAcrossInvalidationAsync(replica, 5, Set(4)));
        Assert.False(replica.Serving);

        Assert.NotNull(await FetchAcrossInvalidationAsync(replica, 6, Set(6)));
        Assert.True(replica.Serving);

        // An answer from another activation than the invalidation's may predate it: refused.
        Assert.Null(await FetchAcrossInvalidationAsync(replica, 7, Set(100, Guid.NewGuid())));
        Assert.False(replica.Serving);
    }

    [Fact]
    public async Task Callers_share_one_fetch_and_after_an_invalidation_a_new_one_starts()
    {
        var replica = NewReplica();
        var fetches = 0;
        var answer = new TaskCompletionSource<ServingSet>();
        Task<ServingSet> Fetch()
        {
            fetches++;
            return answer.Task;
        }

        var a = replica.FetchAsync(Fetch);
        var b = replica.FetchAsync(Fetch);
        Assert.Equal(1, fetches);
        await replica.InvalidateAsync(Epoch, 1);
        var c = replica.FetchAsync(Fetch);
        Assert.Equal(2, fetches);
        answer.SetResult(Set(1));
        await Task.WhenAll(a, b, c);
        Assert.True(replica.Serving);
    }

    [Fact]
    public async Task A_failed_fetch_reaches_its_callers_and_the_next_caller_fetches_again()
    {
        var replica = NewReplica();
        await Assert.ThrowsAsync<KeyNotFoundException>(() => replica.FetchAsync(() => Task.FromException<ServingSet>(new KeyNotFoundException("unknown model"))));
        Assert.NotNull(await Fetch(replica, Set(0)));
    }

    [Fact]
    public async Task An_invalidation_returns_only_once_no_prediction_runs_on_the_dropped_set()
    {
        var replica = NewReplica();
        await Fetch(replica, Set(0));
        var running = replica.Enter();
        Assert.NotNull(running);

        var invalidation = Task.Run(() => replica.InvalidateAsync(Epoch, 1));
        // The set is dropped at once; the invalidation waits for the prediction running on it.
        var deadline = DateTime.UtcNow.AddSeconds(10);
        while (replica.Serving && DateTime.UtcNow < deadline) await Task.Delay(5);
        Assert.Null(replica.Enter());
        await Task.Delay(50);
        Assert.False(invalidation.IsCompleted);

        running.Exit();
        await invalidation.WaitAsync(TimeSpan.FromSeconds(10));
    }
}
