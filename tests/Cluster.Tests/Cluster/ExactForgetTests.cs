using Unlearning.Learning;
using Unlearning.TestKit;
using Unlearning.Tests.Support;
using static Unlearning.Tests.Support.ModelHelpers;

namespace Unlearning.Tests.Cluster;

[Collection(ClusterCollection.Name)]
public sealed class ExactForgetTests(ClusterFixture cluster)
{
    private const int Shards = 8, Slices = 4;

    /// <summary>The shipped set, with three records given to one subject so a forget removes several.</summary>
    private static (Dataset Data, DataRecord[] Train, DataRecord[] Holdout) WdbcWithSharedSubject()
    {
        var data = Dataset.Wdbc();
        var (train, holdout) = data.Split();
        train = train.Select((r, i) => i < 3 ? r with { Subject = "family-7" } : r).ToArray();
        return (data, train, holdout);
    }

    [Fact]
    public async Task Forgetting_subjects_gives_the_bits_of_a_model_built_without_them()
    {
        var (data, train, holdout) = WdbcWithSharedSubject();
        var name = ClusterFixture.UniqueName("exact");
        var model = await BuildAsync(cluster, data, name, Shards, Slices, train);

        string[] forgotten = ["family-7", train[10].Subject, train[200].Subject, train[301].Subject];
        var receipts = new List<ForgetReceipt>();
        foreach (var subject in forgotten) receipts.Add(await model.Forget(subject));

        Assert.Equal(3, receipts[0].RecordsRemoved);
        Assert.All(receipts.Skip(1), r => Assert.Equal(1, r.RecordsRemoved));
        Assert.All(receipts, r => Assert.Equal(ForgetMethod.Exact, r.Method));
        Assert.All(receipts, r => Assert.True(r.VersionAfter > r.VersionBefore));

        var remaining = train.Where(r => !forgotten.Contains(r.Subject)).ToArray();
        var scratchName = ClusterFixture.UniqueName("scratch");
        // A different arrival order and batching than the original: weights depend on the set only.
        var shuffled = remaining.OrderBy(r => StableKeyHash.Of(r.Id, 99)).ToArray();
        var scratch = await BuildAsync(cluster, data, scratchName, Shards, Slices, shuffled, batchSize: 37);

        var forgetWeights = await ShardWeightsAsync(cluster, name, Shards);
        var scratchWeights = await ShardWeightsAsync(cluster, scratchName, Shards);
        for (var s = 0; s < Shards; s++)
        {
            Assert.NotNull(forgetWeights[s]);
            Assert.Equal(Bits(scratchWeights[s]!), Bits(forgetWeights[s]!));
        }

        var afterForget = await model.Predict(Rows(holdout));
        var fromScratch = await scratch.Predict(Rows(holdout));
        for (var i = 0; i < holdout.Length; i++)
        {
            Assert.Equal(fromScratch.Predictions[i].Label, afterForget.Predictions[i].Label);
            Assert.Equal(Bits(fromScratch.Predictions[i].Probabilities), Bits(afterForget.Predictions[i].Probabilities));
        }
        Assert.Equal(remaining.Length, (await model.GetStatus()).Records);
    }

    [Fact]
    public async Task Only_the_owning_shard_retrains_and_only_from_the_affected_slice()
    {
        var (data, train, _) = WdbcWithSharedSubject();
        var name = ClusterFixture.UniqueName("slices");
        var model = await BuildAsync(cluster, data, name, Shards, Slices, train);
        var before = (await model.GetStatus()).Shards;
        Assert.All(before, s => Assert.Equal(Enumerable.Repeat(1, Slices), s.SliceTrainings));

        // Pick a record in the last slice so that exactly one slice must be retrained.
        var target = train.First(r => Partitioning.SliceOf(r.Id, Slices) == Slices - 1 && r.Subject == r.Id);
        var receipt = await model.Forget(target.Subject);

        var owner = Partitioning.ShardOf(target.Subject, Shards);
        Assert.Equal(owner, receipt.Shard);
        Assert.Equal(1, receipt.SlicesRetrained);
        var after = (await model.GetStatus()).Shards;
        for (var s = 0; s < Shards; s++)
        {
            int[] expected = s == owner ? [1, 1, 1, 2] : [1, 1, 1, 1];
            Assert.Equal(expected, after[s].SliceTrainings);
            Assert.Equal(s == owner ? before[s].Version + 2 : before[s].Version, after[s].Version);
        }

        // A record in the first slice means every checkpoint of the shard is retrained.
        var first = train.First(r => Partitioning.SliceOf(r.Id, Slices) == 0 && r.Subject == r.Id && Partitioning.ShardOf(r.Subject, Shards) == owner);
        var second = await model.Forget(first.Subject);
        Assert.Equal(Slices, second.SlicesRetrained);
        var counts = (await model.GetStatus()).Shards[owner].SliceTrainings;
        Assert.Equal(new[] { 2, 2, 2, 3 }, counts);
    }

    [Fact]
    public async Task Forgetting_an_unknown_subject_changes_nothing()
    {
        var (data, train, holdout) = WdbcWithSharedSubject();
        var name = ClusterFixture.UniqueName("nobody");
        var model = await BuildAsync(cluster, data, name, Shards, Slices, train);
        var before = await model.GetStatus();
        var predictionsBefore = await model.Predict(Rows(holdout));

        var receipt = await model.Forget("no-such-patient");

        Assert.Equal(0, receipt.RecordsRemoved);
        Assert.Equal(0, receipt.SlicesRetrained);
        Assert.Equal(receipt.VersionBefore, receipt.VersionAfter);
        var after = await model.GetStatus();
        Assert.Equal(before.Version, after.Version);
        Assert.Equal(before.Records, after.Records);
        var predictionsAfter = await model.Predict(Rows(holdout));
        Assert.Equal(predictionsBefore.Predictions.Select(p => Bits(p.Probabilities)), predictionsAfter.Predictions.Select(p => Bits(p.Probabilities)));
    }

    [Fact]
    public async Task Concurrent_forgets_on_one_shard_share_a_retrain()
    {
        var (data, train, _) = WdbcWithSharedSubject();
        var name = ClusterFixture.UniqueName("coalesce");
        var model = await BuildAsync(cluster, data, name, Shards, Slices, train);
        var owner = Partitioning.ShardOf(train[0].Subject, Shards);
        // Subjects whose records sit in the first slice: forgotten one after another, each would retrain all four slices.
        var subjects = train.Where(r => r.Subject == r.Id && Partitioning.ShardOf(r.Subject, Shards) == owner
                && Partitioning.SliceOf(r.Id, Slices) == 0)
            .Select(r => r.Subject).Take(6).ToArray();
        Assert.Equal(6, subjects.Length);
        var before = (await model.GetStatus()).Shards[owner];

        Task<ForgetReceipt[]> forgets;
        // The shard's retrain cannot finish before the last forget is accepted: on a loaded machine it otherwise can,
        // and the later forgets then start a retrain of their own, as they should.
        using (await ComputeGate.CloseAsync())
        {
            forgets = Task.WhenAll(subjects.Select(model.Forget));
            while ((await model.CountRecords(subjects)).Any(count => count > 0))
            {
                Assert.False(forgets.IsCompleted, "the forgets ended while the compute threads were held");
                await Task.Delay(10);
            }
        }
        var receipts = await forgets;

        Assert.All(receipts, r => Assert.Equal(1, r.RecordsRemoved));
        Assert.All(receipts, r => Assert.Equal(Slices, r.SlicesRetrained));
        var after = (await model.GetStatus()).Shards[owner];
        var computed = after.SliceTrainings.Sum() - before.SliceTrainings.Sum();
        // Six separate retrains would compute 24 checkpoints; forgets accepted during a retrain join it.
        Assert.Equal(Slices, computed);
        Assert.Single(receipts.Select(r => r.VersionAfter).Distinct());
        // The fit queued before the later forgets arrived saw their records: it must not be what the shard serves.
        var scratchName = ClusterFixture.UniqueName("scratch");
        await BuildAsync(cluster, data, scratchName, Shards, Slices, [.. train.Where(r => !subjects.Contains(r.Subject))]);
        var scratch = (await ShardWeightsAsync(cluster, scratchName, Shards))[owner];
        Assert.Equal(Bits(scratch!), Bits((await ShardWeightsAsync(cluster, name, Shards))[owner]!));
    }

    [Fact]
    public async Task One_shard_of_one_slice_is_the_full_retrain_baseline()
    {
        var (data, train, _) = WdbcWithSharedSubject();
        var model = await BuildAsync(cluster, data, ClusterFixture.UniqueName("full"), 1, 1, train);
        var receipt = await model.Forget("family-7");
        Assert.Equal(ForgetMethod.Retrain, receipt.Method);
        Assert.Equal(3, receipt.RecordsRemoved);
        Assert.Equal(1, receipt.SlicesRetrained);
        Assert.Equal(1, receipt.ShardsUsed);
        await Assert.ThrowsAsync<InvalidOperationException>(() => model.GetCertification());
    }
}
