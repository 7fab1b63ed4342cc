using Unlearning.Bench.Data;
using Unlearning.Bench.Infrastructure;
using Unlearning.Bench.Results;
using Unlearning.Client;
using Unlearning.TestKit;
using static Unlearning.Bench.Scenarios.ClusterOps;

namespace Unlearning.Bench.Scenarios;

/// <summary>
/// Scenario 9's cluster case: one large model on several silos sharing a PostgreSQL database, as a deployment runs it.
/// Where its shards and records land, the memory they take, how fast it ingests and trains, one forget against the full
/// train, the serving, availability and batch-forget targets at this size (<see cref="ScaleUnderLoad"/>), and the first
/// prediction after every silo restarts.
/// </summary>
internal static class ScaleAcrossSilos
{
    /// <summary>
    /// Issue 14 sets the forget goal at S = 16 and the default R (README "Slicing"); the memory figures do not depend on R.
    /// </summary>
    private const int Shards = 16, Slices = ModelDefinition.DefaultSlices;

    /// <summary>Enough forgets that the slices they refit average near (R+1)/2 rather than whichever one a single forget hits.</summary>
    private const int ForgetsTimed = 8;

    public static async Task RunAsync(BenchContext context, ScenarioRecorder recorder, ScaleSettings scale)
    {
        var caseName = $"{scale.SpreadRecords:#,0} x {scale.SpreadFeatures} on {scale.SpreadSilos} silos, PostgreSQL";
        if (await StorageBackends.UnavailableAsync(StorageKind.PostgreSql) is { } reason)
        {
            recorder.Add(new ResultRow { Case = caseName, Metric = "shards per silo", Verdict = Verdict.NotAvailable, Unavailable = reason });
            return;
        }
        BenchContext.Progress($"generating synthetic {scale.SpreadRecords:#,0} x {scale.SpreadFeatures}");
        var data = SyntheticData.Generate(scale.SpreadRecords, scale.SpreadFeatures);
        var raw = 8.0 * scale.SpreadFeatures + 8;
        BenchContext.Progress(caseName);
        var beforeStart = await ScaleScenario.MeasureSettledAsync(scale.AfterClusterSettle);
        var cluster = await BenchCluster.StartAsync(StorageKind.PostgreSql, scale.SpreadSilos);
        try
        {
            var started = await ScaleScenario.MeasureSettledAsync(ScaleScenario.AfterStartSettle);
            var built = await BuildAsync(cluster, data, "spread", Shards, Slices, data.Records, context.Settings.IngestBatch);
            var after = ScaleScenario.Measure();
            var status = await built.Model.GetStatus();
            AddPlacement(recorder, caseName, status, scale.SpreadSilos);

            ScaleScenario.AddMemoryRows(recorder, caseName, raw, data.Records.Length, started, after,
                heapNote: $"all {scale.SpreadSilos} silos together (one process); ",
                fixedCost: $"the {scale.SpreadSilos} empty silos: {(started.Rss - beforeStart.Rss) / ScaleScenario.MiB:0} MiB RSS");
            recorder.Add(new ResultRow
            {
                Case = caseName, Metric = "ingest rate", Value = data.Records.Length / (built.IngestMs / 1000), Unit = "rec/s", Verdict = Verdict.Info,
                Note = $"one client, batches of {context.Settings.IngestBatch:#,0}, S={Shards} R={Slices}; train {built.TrainMs / 1000:0.0} s",
            });

            // Predictions come from rows of the model's own data (no holdout at this size): a prediction's cost does not depend on them.
            var rows = Enumerable.Range(0, 1_000).Select(i => new[] { data.Records[(int)((long)i * data.Records.Length / 1_000)].Features }).ToArray();
            await ScaleUnderLoad.AddServingAsync(context, recorder, caseName, cluster, built, rows);

            // Forgets one after another, each from the receipt's point of view: the owning shard refits its slices from the
            // subject's first one, so one forget costs 1 to R slice fits by where its record fell; the mean is a forget's cost.
            await Task.Delay(SettleTime);
            var forgetMs = new List<double>();
            var slices = new List<int>();
            for (var k = 1; k <= ForgetsTimed; k++)
            {
                ForgetReceipt? receipt = null;
                forgetMs.Add(await TimeAsync(async () => receipt = await built.Model.Forget(data.Records[TimedForget(data, k)].Subject)));
                slices.Add(receipt!.SlicesRetrained);
            }
            var meanMs = forgetMs.Average();
            recorder.Add(new ResultRow
            {
                Case = caseName, Metric = "one forget (receipt)", Value = meanMs, Unit = "ms", Target = ">= 16x faster than the full train",
                PeerName = "full train", PeerValue = built.TrainMs, Ratio = built.TrainMs / meanMs, RatioUnit = "x",
                Verdict = built.TrainMs / meanMs >= 16 ? Verdict.Pass : Verdict.Miss,
                Note = $"mean of {ForgetsTimed} forgets of one record each, in turn ({string.Join(" / ", forgetMs.Select(ms => $"{ms:0}"))} ms; " +
                    $"slices refitted {string.Join("/", slices)}, mean {slices.Average():0.00} of {Slices}); the full train is the build's own train",
            });

            // The other scenarios' forget targets at this size, on subjects the timed forgets left.
            var timed = Enumerable.Range(1, ForgetsTimed).Select(k => TimedForget(data, k)).ToHashSet();
            var pool = new SubjectPool(data.Records.Length, seed: 11);
            string[] Subjects(int count) => [.. Enumerable.Range(0, int.MaxValue).Select(_ => pool.Next()).Where(i => !timed.Contains(i))
                .Take(count).Select(i => data.Records[i].Subject)];
            await Task.Delay(SettleTime);
            await ScaleUnderLoad.AddAvailabilityAsync(context, recorder, caseName, cluster, built, rows, Subjects(context.Settings.AvailabilityForgets));
            await ScaleUnderLoad.AddBatchAsync(recorder, caseName, cluster, built, Subjects(context.Settings.ForgetBatch), oneRequest: false);
            await ScaleUnderLoad.AddBatchAsync(recorder, caseName, cluster, built, Subjects(context.Settings.ForgetBatch), oneRequest: true);

            cluster = await ScaleScenario.AddFirstPredictAfterRestartAsync(recorder, caseName, cluster, scale.SpreadSilos, built.Name,
                data.Records[0].Features, "one row, every silo restarted");
        }
        finally
        {
            await cluster.DisposeAsync();
        }
    }

    /// <summary>The record whose subject the <paramref name="k"/>-th timed forget removes: spread evenly over the data.</summary>
    private static int TimedForget(Dataset data, int k) => (int)((long)data.Records.Length * k / (ForgetsTimed + 1));

    /// <summary>Shards and records per silo; the target: every silo gets a share, no two differing by more than one shard.</summary>
    private static void AddPlacement(ScenarioRecorder recorder, string caseName, ModelStatus status, int silos)
    {
        var bySilo = status.Shards.GroupBy(s => s.Silo).Select(g => (Shards: g.Count(), Records: g.Sum(s => s.Records)))
            .OrderByDescending(s => s.Shards).ToArray();
        var counts = bySilo.Select(s => s.Shards).Concat(Enumerable.Repeat(0, Math.Max(0, silos - bySilo.Length))).ToArray();
        recorder.Add(new ResultRow
        {
            Case = caseName, Metric = "shards per silo", Value = counts.Max(), Unit = "most on one silo", Target = "every silo, within 1 of each other",
            Verdict = counts.Max() - counts.Min() <= 1 ? Verdict.Pass : Verdict.Miss,
            Note = $"shards {string.Join("/", counts)}; records {string.Join("/", bySilo.Select(s => $"{s.Records:#,0}"))}",
        });
    }
}
