using System.Collections.Concurrent;
using System.Diagnostics;
using Unlearning.TestKit;
using Unlearning.Tests.Support;
using static Unlearning.Tests.Support.ModelHelpers;

namespace Unlearning.Tests.Cluster;

[Collection(ClusterCollection.Name)]
public sealed class AvailabilityTests(ClusterFixture cluster)
{
    private sealed record Answer(long IssuedAt, PredictionBatch Batch);

    [Fact]
    public async Task Predictions_never_fail_nor_use_weights_that_saw_an_accepted_forget()
    {
        var data = Dataset.Wdbc();
        var (train, holdout) = data.Split();
        var name = ClusterFixture.UniqueName("avail");
        const int shards = 4;
        var model = await BuildAsync(cluster, data, name, shards, 4, train);
        var rows = Rows(holdout.Take(20));

        var clock = Stopwatch.StartNew();
        var answers = new ConcurrentBag<Answer>();
        var failures = new ConcurrentBag<Exception>();
        using var stop = new CancellationTokenSource();
        var callers = Enumerable.Range(0, 4).Select(_ => Task.Run(async () =>
        {
            while (!stop.IsCancellationRequested)
            {
                var issuedAt = clock.ElapsedTicks;
                try { answers.Add(new Answer(issuedAt, await model.Predict(rows))); }
                catch (Exception error) { failures.Add(error); }
            }
        })).ToArray();

        // (time the forget returned, its shard, the forgets that shard had accepted by then)
        var completed = new List<(long ReturnedAt, int Shard, long CleanThrough)>();
        foreach (var record in train.Where((_, i) => i % 23 == 0).Take(12))
        {
            var receipt = await model.Forget(record.Subject);
            var status = await cluster.Shard(name, receipt.Shard).GetStatus();
            completed.Add((clock.ElapsedTicks, receipt.Shard, status.ForgetsAccepted));
        }
        await Task.Delay(100);
        stop.Cancel();
        await Task.WhenAll(callers);

        Assert.Empty(failures);
        Assert.True(answers.Count > 50, $"only {answers.Count} predictions answered");
        foreach (var answer in answers)
        {
            Assert.Equal(rows.Length, answer.Batch.Predictions.Length);
            foreach (var (returnedAt, shard, cleanThrough) in completed.Where(c => c.ReturnedAt < answer.IssuedAt))
            {
                var used = answer.Batch.ShardsUsed.SingleOrDefault(u => u.Shard == shard);
                if (used is not null)
                {
                    Assert.True(used.ForgetsAccepted >= cleanThrough,
                        $"a prediction issued after a forget returned used shard {shard} clean through {used.ForgetsAccepted} < {cleanThrough}");
                }
            }
        }
    }
}
