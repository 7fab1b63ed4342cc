using System.Collections.Concurrent;
using Microsoft.Extensions.DependencyInjection;
using Orleans.TestingHost;
using Unlearning.Serving;
using Unlearning.TestKit;
using Unlearning.Tests.Support;
using static Unlearning.Tests.Support.ModelHelpers;

namespace Unlearning.Tests.Cluster;

/// <summary>
/// Predictions through <see cref="IModelReader"/>, the read replica of the silo a call arrives at: each silo's calls are
/// sent from inside that silo, so its own replica answers them.
/// </summary>
[Collection(ClusterCollection.Name)]
public sealed class ReplicaTests(ClusterFixture cluster)
{
    private sealed record Answer(int Silo, DateTimeOffset IssuedAt, PredictionBatch Batch);

    private int SiloCount => cluster.Cluster.Silos.Count;

    private IServiceProvider Silo(int index) => ((InProcessSiloHandle)cluster.Cluster.Silos[index]).ServiceProvider;

    private IModelReader ReaderOn(int silo, string model) => Silo(silo).GetRequiredService<IGrainFactory>().GetGrain<IModelReader>(model);

    private bool ServesReplica(int silo, string model) => Silo(silo).GetRequiredService<ReplicaCache>().Serves(model);

    [Fact]
    public async Task Every_silo_answers_from_its_own_replica_as_the_model_grain_does()
    {
        var data = Dataset.Wdbc();
        var (train, holdout) = data.Split();
        var name = ClusterFixture.UniqueName("replica");
        var model = await BuildAsync(cluster, data, name, 4, 2, train);
        var rows = Rows(holdout.Take(30));
        var expected = await model.Predict(rows);

        for (var silo = 0; silo < SiloCount; silo++)
        {
            Assert.False(ServesReplica(silo, name));
            var answer = await ReaderOn(silo, name).Predict(rows);
            Assert.True(ServesReplica(silo, name), $"silo {silo} answered without a replica of its own");
            Assert.Equal(expected.Version, answer.Version);
            Assert.Equal(expected.ShardsUsed, answer.ShardsUsed);
            Assert.Equal(expected.Predictions.Select(p => p.Label), answer.Predictions.Select(p => p.Label));
            Assert.Equal(expected.Predictions.SelectMany(p => p.Probabilities).Select(BitConverter.DoubleToInt64Bits),
                answer.Predictions.SelectMany(p => p.Probabilities).Select(BitConverter.DoubleToInt64Bits));
        }
    }

    [Fact]
    public async Task No_silo_predicts_with_weights_a_forget_took_out_from_the_moment_the_forget_was_accepted()
    {
        var (name, model, rows, forgets) = await ForgetsUnderPredictionsAsync("replica-forget", 8);
        var (accepted, answers) = await RunAsync(name, model, rows, forgets);

        AssertNoneUsedForgottenWeights(accepted, answers);
        // Once the forgets returned, every replica serves what the model grain serves.
        var expected = await model.Predict(rows);
        for (var silo = 0; silo < SiloCount; silo++)
            Assert.Equal(expected.ShardsUsed, (await ReaderOn(silo, name).Predict(rows)).ShardsUsed);
    }

    [Fact]
    public async Task A_silo_that_does_not_confirm_an_invalidation_is_waited_out_for_a_lease()
    {
        var (name, model, rows, forgets) = await ForgetsUnderPredictionsAsync("replica-unconfirmed", 1);
        var silent = SiloCount - 1;
        var host = ReplicaHosts.KeyOf(cluster.Cluster.Silos[silent].SiloAddress);
        InjectedFaults.FailUntil(host, nameof(Wire.IReplicaHost.Invalidate), DateTime.UtcNow.AddMinutes(2));
        try
        {
            var started = DateTimeOffset.UtcNow;
            var (accepted, answers) = await RunAsync(name, model, rows, forgets);

            Assert.Contains(answers, a => a.Silo == silent && a.IssuedAt > accepted[0].At);
            AssertNoneUsedForgottenWeights(accepted, answers);
            var lease = Silo(0).GetRequiredService<ReplicaCache>().Lease;
            Assert.True(accepted[0].At - started >= lease * 0.9, $"accepted {(accepted[0].At - started).TotalMilliseconds:0} ms after it was sent, within the {lease.TotalSeconds} s lease");
        }
        finally
        {
            InjectedFaults.Clear(host, nameof(Wire.IReplicaHost.Invalidate));
        }
    }

    private async Task<(string Name, IModelGrain Model, double[][] Rows, string[] Forgets)> ForgetsUnderPredictionsAsync(string prefix, int forgets)
    {
        var data = Dataset.Wdbc();
        var (train, holdout) = data.Split();
        var name = ClusterFixture.UniqueName(prefix);
        var model = await BuildAsync(cluster, data, name, 4, 4, train);
        var rows = Rows(holdout.Take(10));
        // Every silo holds a replica before the first forget, so each forget has replicas to drop.
        for (var silo = 0; silo < SiloCount; silo++)
        {
            await ReaderOn(silo, name).Predict(rows);
            Assert.True(ServesReplica(silo, name));
        }
        return (name, model, rows, [.. train.Where((_, i) => i % 19 == 0).Select(r => r.Subject).Distinct().Take(forgets)]);
    }

    private const int MinAnswers = 20;

    /// <summary>
    /// Forgets the subjects one after another while one caller per silo predicts through that silo's replica; returns,
    /// per forget, when it was accepted, its shard, and the forgets that shard had accepted once it returned.
    /// </summary>
    private async Task<(List<(DateTimeOffset At, int Shard, long CleanThrough)> Accepted, Answer[] Answers)> RunAsync(
        string name, IModelGrain model, double[][] rows, string[] subjects)
    {
        var answers = new ConcurrentBag<Answer>();
        var failures = new ConcurrentBag<Exception>();
        using var stop = new CancellationTokenSource();
        var callers = Enumerable.Range(0, SiloCount).Select(silo => Task.Run(async () =>
        {
            var reader = ReaderOn(silo, name);
            while (!stop.IsCancellationRequested)
            {
                var issuedAt = DateTimeOffset.UtcNow;
                try { answers.Add(new Answer(silo, issuedAt, await reader.Predict(rows))); }
                catch (Exception error) { failures.Add(error); }
                // Paced, so the callers leave the forgets' retrains some of the machine.
                await Task.Delay(1);
            }
        })).ToArray();

        var accepted = new List<(DateTimeOffset At, int Shard, long CleanThrough)>();
        foreach (var subject in subjects)
        {
            var receipt = await model.Forget(subject);
            Assert.True(receipt.RecordsRemoved > 0);
            var status = await cluster.Shard(name, receipt.Shard).GetStatus();
            accepted.Add((receipt.CompliantAt!.Value, receipt.Shard, status.ForgetsAccepted));
        }
        // Callers keep going until every silo has answered enough for the check below to mean something: on a loaded
        // machine the forgets can be over before a caller has had many turns.
        await Task.Delay(100);
        for (var waited = 0; waited < 10_000 && Enumerable.Range(0, SiloCount).Any(silo => AnsweredBy(silo) <= MinAnswers); waited += 50)
            await Task.Delay(50);
        stop.Cancel();
        await Task.WhenAll(callers);

        Assert.Empty(failures);
        for (var silo = 0; silo < SiloCount; silo++)
            Assert.True(AnsweredBy(silo) > MinAnswers, $"silo {silo} answered only {AnsweredBy(silo)} predictions");
        return (accepted, [.. answers]);

        int AnsweredBy(int silo) => answers.Count(a => a.Silo == silo);
    }

    private static void AssertNoneUsedForgottenWeights(List<(DateTimeOffset At, int Shard, long CleanThrough)> accepted, Answer[] answers)
    {
        foreach (var answer in answers)
        {
            foreach (var (at, shard, cleanThrough) in accepted.Where(a => a.At < answer.IssuedAt))
            {
                if (answer.Batch.ShardsUsed.SingleOrDefault(u => u.Shard == shard) is { } used)
                {
                    Assert.True(used.ForgetsAccepted >= cleanThrough,
                        $"silo {answer.Silo}: a prediction issued after a forget was accepted used shard {shard} clean through {used.ForgetsAccepted} < {cleanThrough}");
                }
            }
        }
    }

    [Fact]
    public async Task Training_again_reaches_every_replica_before_train_returns()
    {
        var data = Dataset.Wdbc();
        var (train, holdout) = data.Split();
        var name = ClusterFixture.UniqueName("replica-train");
        var model = await BuildAsync(cluster, data, name, 2, 2, train.Take(200));
        var rows = Rows(holdout.Take(10));
        for (var silo = 0; silo < SiloCount; silo++) await ReaderOn(silo, name).Predict(rows);

        await model.Ingest([.. train.Skip(200)]);
        var trained = await model.Train();
        for (var silo = 0; silo < SiloCount; silo++)
            Assert.Equal(trained.Version, (await ReaderOn(silo, name).Predict(rows)).Version);
    }

    [Fact]
    public async Task A_replica_checks_rows_as_the_model_does_and_a_deleted_model_answers_no_more()
    {
        var data = Dataset.Wdbc();
        var (train, holdout) = data.Split();
        var name = ClusterFixture.UniqueName("replica-delete");
        var model = await BuildAsync(cluster, data, name, 2, 1, train);
        var rows = Rows(holdout.Take(5));
        for (var silo = 0; silo < SiloCount; silo++) await ReaderOn(silo, name).Predict(rows);

        var narrow = await Assert.ThrowsAsync<ArgumentException>(() => ReaderOn(0, name).Predict([[1.0, 2.0]]));
        Assert.Contains($"{data.FeatureCount}", narrow.Message);
        var nan = rows[0].ToArray();
        nan[3] = double.NaN;
        await Assert.ThrowsAsync<ArgumentException>(() => ReaderOn(1 % SiloCount, name).Predict([nan]));

        await model.Delete();
        for (var silo = 0; silo < SiloCount; silo++)
        {
            Assert.False(ServesReplica(silo, name));
            var gone = await Assert.ThrowsAsync<KeyNotFoundException>(() => ReaderOn(silo, name).Predict(rows));
            Assert.Contains("unknown model", gone.Message);
        }
        await Assert.ThrowsAsync<KeyNotFoundException>(() => cluster.Client.GetGrain<IModelReader>("no-such-model").Predict(rows));
    }
}
