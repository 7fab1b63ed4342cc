using System.Diagnostics;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Unlearning.Client;
using Unlearning.TestKit;
using Unlearning.Tests.Support;
using Xunit.Abstractions;
using static Unlearning.Tests.Support.ModelHelpers;

namespace Unlearning.Tests.Library;

/// <summary>
/// Two Silo processes on PostgreSQL, driven only through <see cref="IUnlearningClient"/> as a service registers it
/// (<c>AddUnlearningClient</c> on the membership table): every kind of call, then a silo SIGKILLed while predictions
/// stream, each of them answered within the read retry window.
/// </summary>
public sealed class UnlearningClientTests(ITestOutputHelper output)
{
    private const int Shards = 4, Slices = 2;
    private static readonly TimeSpan RetryWindow = TimeSpan.FromSeconds(45);

    [Fact]
    public async Task A_service_drives_the_cluster_through_the_library_and_reads_ride_out_a_killed_silo()
    {
        await using var cluster = await PostgresCluster.StartAsync("library", 2);
        if (cluster is null) return; // no PostgreSQL outside CI; under CI=true this fails instead
        try
        {
            var builder = Host.CreateEmptyApplicationBuilder(new HostApplicationBuilderSettings());
            builder.Services.AddUnlearningClient(options =>
            {
                options.PostgresConnectionString = cluster.ConnectionString;
                options.ClusterId = cluster.ClusterId;
                options.Resilience.ReadRetryWindow = RetryWindow;
                options.Resilience.ReadAttemptTimeout = TimeSpan.FromSeconds(3);
            });
            using var host = builder.Build();
            await host.StartAsync();
            var client = host.Services.GetRequiredService<IUnlearningClient>();

            var data = Dataset.Wdbc();
            var (train, holdout) = data.Split();
            var name = ClusterFixture.UniqueName("library");
            var config = await client.CreateModelAsync(data.Config(name, Shards, Slices));
            Assert.Equal(name, config.Name);

            // More records than one call carries would be split; these go in one, all or nothing.
            var ingested = await client.IngestAsync(name, train);
            Assert.Equal(train.Length, ingested.Accepted);
            Assert.Equal(train.Length, ingested.Records);
            await client.TrainAsync(name);

            var rows = Rows(holdout);
            var labels = holdout.Select(r => r.Label).ToArray();
            var before = await client.PredictAsync(name, rows);
            Assert.Equal(rows.Length, before.Predictions.Length);
            var evaluation = await client.EvaluateAsync(name, rows, labels);
            Assert.True(evaluation.Accuracy > 0.85, $"accuracy {evaluation.Accuracy}");

            var subject = train[0].Subject;
            var estimate = await client.EstimateForgetAsync(name, subject, rows[..10]);
            Assert.Equal(10, estimate.Before.Length);
            var receipt = await client.ForgetAsync(name, subject);
            Assert.True(receipt.RecordsRemoved > 0);
            Assert.Equal(new[] { 0 }, await client.CountRecordsAsync(name, [subject]));
            var explained = await client.ExplainAsync(name, rows[..3], top: 2);
            Assert.Equal(3, explained.Rows.Length);
            var status = await client.GetStatusAsync(name);
            Assert.Equal(Shards, status.Shards.Length);
            Assert.Equal(train.Length - receipt.RecordsRemoved, status.Records);
            var verified = await client.VerifyAsync(name);
            Assert.True(verified.Verified, "a shard differs from its fresh build after the forget");

            // The one a forget made: what predictions must still answer after the kill.
            var settled = await client.PredictAsync(name, rows);

            // Predictions stream from four callers; the silo holding most shards dies mid-stream.
            var victim = cluster.Silos.OrderByDescending(s => status.Shards.Count(sh => sh.Silo.Contains($":{s.SiloPort}:", StringComparison.Ordinal))).First();
            var clock = Stopwatch.StartNew();
            var killedAt = TimeSpan.MaxValue;
            var answeredAfterKill = 0;
            var slowest = TimeSpan.Zero;
            var failures = new List<string>();
            using var stop = new CancellationTokenSource();
            var callers = Enumerable.Range(0, 4).Select(c => Task.Run(async () =>
            {
                var row = rows[c * 7 % rows.Length];
                var expected = settled.Predictions[c * 7 % rows.Length];
                while (!stop.IsCancellationRequested)
                {
                    var issued = clock.Elapsed;
                    try
                    {
                        var answer = await client.PredictAsync(name, [row]);
                        var took = clock.Elapsed - issued;
                        lock (failures)
                        {
                            if (took > slowest) slowest = took;
                            if (issued > killedAt) answeredAfterKill++;
                            if (answer.Predictions[0].Label != expected.Label) failures.Add($"caller {c}: label {answer.Predictions[0].Label}, expected {expected.Label}");
                        }
                    }
                    catch (Exception error)
                    {
                        lock (failures) failures.Add($"caller {c} at {issued.TotalSeconds:F1} s: {error.GetType().Name}: {error.Message.Split('\n')[0]}");
                    }
                }
            })).ToArray();

            await Task.Delay(TimeSpan.FromSeconds(2));
            victim.Kill();
            killedAt = clock.Elapsed;
            output.WriteLine($"SIGKILLed {victim.Name} (port {victim.SiloPort}) at {killedAt.TotalSeconds:F1} s");
            var deadline = clock.Elapsed + RetryWindow;
            while (clock.Elapsed < deadline && Volatile.Read(ref answeredAfterKill) < 40) await Task.Delay(200);
            stop.Cancel();
            await Task.WhenAll(callers);
            output.WriteLine($"{answeredAfterKill} predictions issued after the kill answered; slowest {slowest.TotalMilliseconds:F0} ms");

            Assert.Empty(failures);
            Assert.True(answeredAfterKill >= 40, $"only {answeredAfterKill} predictions answered after the kill");
            Assert.True(slowest < RetryWindow, $"a prediction took {slowest.TotalSeconds:F1} s");

            // The survivor serves the model; the forgotten subject stays forgotten.
            var after = await client.GetStatusAsync(name);
            Assert.Equal(train.Length - receipt.RecordsRemoved, after.Records);
            Assert.Equal(new[] { 0 }, await client.CountRecordsAsync(name, [subject]));
        }
        catch
        {
            output.WriteLine(cluster.Outputs());
            throw;
        }
    }
}
