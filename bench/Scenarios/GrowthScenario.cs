using Unlearning.Bench.Data;
using Unlearning.Bench.Infrastructure;
using Unlearning.Bench.Results;
using Unlearning.TestKit;
using static Unlearning.Bench.Scenarios.ClusterOps;

namespace Unlearning.Bench.Scenarios;

public sealed class GrowthScenario : IScenario
{
    public string Name => "growth";
    public string Id => "6-growth";
    public string Title => "6. Growth with records and shards";
    public string Description =>
        "Train time and single-forget latency as the synthetic set grows at a fixed shard count, and as the shard count grows at " +
        "a fixed size (prefixes of one deterministic set, so every size holds the same rows as the smaller ones). The slope b of a " +
        "least-squares fit of log(time) on log(x), time ~ x^b, says how cost grows: b = 1 is linear, b = -1 halves the cost when x " +
        "doubles. SISA's cost model predicts a forget cost proportional to records / S above a fixed floor. No target.";

    private sealed record Point(int Records, int Shards, double TrainMs, double ForgetMs, double[] TrainRuns, double[] ForgetRuns);

    public async Task RunAsync(BenchContext context, ScenarioRecorder recorder)
    {
        var settings = context.Settings;
        var largest = Math.Max(settings.GrowthRecords.Max(), settings.GrowthShardsRecords);
        BenchContext.Progress($"generating synthetic {largest:#,0} x {settings.SyntheticFeatures}");
        var all = SyntheticData.Generate(largest, settings.SyntheticFeatures);

        var byRecords = new List<Point>();
        foreach (var records in settings.GrowthRecords)
            byRecords.Add(await MeasureAsync(context, recorder, all.Take(records, $"synthetic-{SyntheticData.Describe(records)}x{settings.SyntheticFeatures}"), settings.SisaShards));
        var byShards = new List<Point>();
        var fixedSize = all.Take(settings.GrowthShardsRecords, $"synthetic-{SyntheticData.Describe(settings.GrowthShardsRecords)}x{settings.SyntheticFeatures}");
        foreach (var shards in settings.GrowthShards)
            byShards.Add(await MeasureAsync(context, recorder, fixedSize, shards));

        void Slope(string caseName, string metric, IReadOnlyList<double> x, IReadOnlyList<double> y, string note)
        {
            var (slope, _) = Stats.LogLogFit(x, y);
            recorder.Add(new ResultRow { Case = caseName, Metric = metric, Value = slope, Unit = "slope", Note = note });
        }
        var recordsX = byRecords.Select(p => (double)p.Records).ToArray();
        var shardsX = byShards.Select(p => (double)p.Shards).ToArray();
        Slope($"records {Range(settings.GrowthRecords)}, S={settings.SisaShards}", "slope of train time", recordsX, [.. byRecords.Select(p => p.TrainMs)], "time ~ records^b");
        Slope($"records {Range(settings.GrowthRecords)}, S={settings.SisaShards}", "slope of forget latency", recordsX, [.. byRecords.Select(p => p.ForgetMs)], "time ~ records^b");
        Slope($"S {Range(settings.GrowthShards)}, {settings.GrowthShardsRecords:#,0} records", "slope of train time", shardsX, [.. byShards.Select(p => p.TrainMs)], "time ~ S^b");
        Slope($"S {Range(settings.GrowthShards)}, {settings.GrowthShardsRecords:#,0} records", "slope of forget latency", shardsX, [.. byShards.Select(p => p.ForgetMs)], "time ~ S^b");
        var points = byRecords.Concat(byShards).ToArray();
        Slope("both sweeps", "slope of forget latency vs records/S", [.. points.Select(p => (double)p.Records / p.Shards)], [.. points.Select(p => p.ForgetMs)],
            "records per shard is the work one forget redoes; b near 1 means the cost follows the work, near 0 a fixed floor dominates");

        recorder.Chart(new ChartSpec
        {
            Name = "records",
            Title = $"Cost as records grow (S={settings.SisaShards}, R={settings.SisaSlices}; log-log)",
            LogX = true,
            LogY = true,
            XLabel = "records",
            YLabel = "ms (median of runs)",
            Series =
            [
                new("first train", recordsX, [.. byRecords.Select(p => p.TrainMs)]),
                new("one forget", recordsX, [.. byRecords.Select(p => p.ForgetMs)]),
            ],
        });
        recorder.Chart(new ChartSpec
        {
            Name = "shards",
            Title = $"Cost as shards grow ({settings.GrowthShardsRecords:#,0} records, R={settings.SisaSlices}; log-log)",
            LogX = true,
            LogY = true,
            XLabel = "shards S",
            YLabel = "ms (median of runs)",
            Series =
            [
                new("first train", shardsX, [.. byShards.Select(p => p.TrainMs)]),
                new("one forget", shardsX, [.. byShards.Select(p => p.ForgetMs)]),
            ],
        });
    }

    private static string Range(int[] values) => $"{values.Min():#,0}-{values.Max():#,0}";

    private static async Task<Point> MeasureAsync(BenchContext context, ScenarioRecorder recorder, Dataset data, int shards)
    {
        var settings = context.Settings;
        var slices = settings.SisaSlices;
        BenchContext.Progress($"{data.Name}, S={shards}: {context.WarmupRuns} warm-up + {context.Runs} builds and forgets");
        var freshPerRun = (long)data.Records.Length * data.FeatureCount > 10_000_000;
        var train = new List<double>();
        var forget = new List<double>();
        var pool = new SubjectPool(data.Records.Length, seed: 3);
        BenchCluster? cluster = null;
        try
        {
            for (var run = 0; run < context.WarmupRuns + context.Runs; run++)
            {
                if (cluster is null || freshPerRun)
                {
                    if (cluster is not null) await cluster.DisposeAsync();
                    cluster = await BenchCluster.StartAsync(StorageKind.Memory, settings.Silos);
                }
                var built = await BuildAsync(cluster, data, "growth", shards, slices, data.Records, settings.IngestBatch);
                // One forget on this run's model: the first forget after training, like every other run's.
                var subject = data.Records[pool.Next()].Subject;
                var ms = await TimeAsync(() => built.Model.Forget(subject));
                if (run < context.WarmupRuns) continue;
                train.Add(built.TrainMs);
                forget.Add(ms);
            }
        }
        finally
        {
            if (cluster is not null) await cluster.DisposeAsync();
        }
        var point = new Point(data.Records.Length, shards, Stats.Median(train), Stats.Median(forget), [.. train], [.. forget]);
        var caseName = $"{data.Records.Length:#,0} records, S={shards}";
        recorder.Add(new ResultRow { Case = caseName, Metric = "first train", Value = point.TrainMs, Unit = "ms", Samples = point.TrainRuns });
        recorder.Add(new ResultRow { Case = caseName, Metric = "one forget", Value = point.ForgetMs, Unit = "ms", Samples = point.ForgetRuns });
        return point;
    }
}
