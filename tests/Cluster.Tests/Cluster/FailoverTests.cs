using Unlearning.Learning;
using Unlearning.TestKit;
using Unlearning.Tests.Support;
using Unlearning.Wire;
using static Unlearning.Tests.Support.ModelHelpers;

namespace Unlearning.Tests.Cluster;

/// <summary>A shard that a failed forget leaves excluded always comes back, and every answer says so meanwhile.</summary>
[Collection(ClusterCollection.Name)]
public sealed class FailoverTests(ClusterFixture cluster)
{
    private const int Shards = 4, Slices = 2;

    [Fact]
    public async Task A_shard_excluded_by_a_failed_forget_is_asked_again_until_it_answers_and_comes_back()
    {
        var data = Dataset.Wdbc();
        var (train, holdout) = data.Split();
        var name = ClusterFixture.UniqueName("failover");
        var model = await BuildAsync(cluster, data, name, Shards, Slices, train);
        var subject = train[3].Subject;
        var shard = Partitioning.ShardOf(subject, Shards);
        var key = ShardKey.For(name, shard);

        // The shard's silo "goes away": the forget fails before the shard sees it, and so do the model's next questions.
        InjectedFaults.FailUntil(key, nameof(IShardGrain.Forget), DateTime.MaxValue);
        InjectedFaults.FailUntil(key, nameof(IShardGrain.GetSnapshot), DateTime.UtcNow.AddSeconds(4));
        try
        {
            await Assert.ThrowsAnyAsync<Exception>(() => model.Forget(subject));
        }
        finally
        {
            InjectedFaults.Clear(key, nameof(IShardGrain.Forget));
        }

        var status = await model.GetStatus();
        var excluded = status.Shards[shard];
        Assert.Equal(ShardServingState.Excluded, excluded.State);
        Assert.Contains("a forget failed midway", excluded.Exclusion);
        Assert.Equal(Shards - 1, status.ShardsUsed);
        Assert.Equal(Shards - 1, (await model.Predict(Rows(holdout))).ShardsUsed.Length);

        // Out longer than the alarm (2 s in the fixture): status says so.
        await Task.Delay(TimeSpan.FromSeconds(3));
        var alerts = (await model.GetStatus()).Alerts ?? [];
        Assert.Contains(alerts, a => a.StartsWith($"shard {shard} has been out of the ensemble since", StringComparison.Ordinal));

        // Once it answers again, it is back, without any other call: no forget, no push.
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while ((await model.GetStatus()).ShardsUsed < Shards && DateTime.UtcNow < deadline) await Task.Delay(200);
        var back = await model.GetStatus();
        Assert.Equal(Shards, back.ShardsUsed);
        Assert.Equal(ShardServingState.Serving, back.Shards[shard].State);
        Assert.Null(back.Shards[shard].Exclusion);
        Assert.Empty(back.Alerts ?? []);

        // The forget never reached the shard: the model is a fresh build of every record, bit for bit.
        var scratch = await BuildAsync(cluster, data, ClusterFixture.UniqueName("failover-scratch"), Shards, Slices, train.Reverse(), batchSize: 41);
        var expected = await scratch.Predict(Rows(holdout));
        var actual = await model.Predict(Rows(holdout));
        Assert.Equal(Shards, actual.ShardsUsed.Length);
        Assert.Equal(expected.Predictions.Select(p => Bits(p.Probabilities)), actual.Predictions.Select(p => Bits(p.Probabilities)));
    }

    [Fact]
    public async Task A_successful_forget_brings_an_excluded_shard_back_at_once()
    {
        var data = Dataset.Wdbc();
        var (train, _) = data.Split();
        var name = ClusterFixture.UniqueName("readmit");
        var model = await BuildAsync(cluster, data, name, Shards, Slices, train);
        var subjects = train.Select(r => r.Subject).Where(s => Partitioning.ShardOf(s, Shards) == 1).Take(2).ToArray();
        var key = ShardKey.For(name, 1);

        InjectedFaults.FailUntil(key, nameof(IShardGrain.Forget), DateTime.MaxValue);
        InjectedFaults.FailUntil(key, nameof(IShardGrain.GetSnapshot), DateTime.MaxValue);
        try
        {
            await Assert.ThrowsAnyAsync<Exception>(() => model.Forget(subjects[0]));
            Assert.Equal(Shards - 1, (await model.GetStatus()).ShardsUsed);
            InjectedFaults.Clear(key, nameof(IShardGrain.Forget));

            var receipt = await model.Forget(subjects[1]);
            Assert.Equal(1, receipt.RecordsRemoved);
            Assert.Equal(Shards, receipt.ShardsUsed);
            Assert.Equal(Shards, (await model.GetStatus()).ShardsUsed);
        }
        finally
        {
            InjectedFaults.Clear(key, nameof(IShardGrain.Forget));
            InjectedFaults.Clear(key, nameof(IShardGrain.GetSnapshot));
        }
    }
}
