using Unlearning.Bench.Data;
using Unlearning.Bench.Infrastructure;
using Unlearning.Bench.Peers;
using Unlearning.Bench.Results;
using static Unlearning.Bench.Scenarios.ClusterOps;

namespace Unlearning.Bench.Scenarios;

public sealed class IngestTrainScenario : IScenario
{
    public string Name => "ingest";
    public string Id => "5-ingest-train";
    public string Title => "5. Ingest and train throughput";
    public string Description =>
        "Records per second for ingest (batches through the client until every shard has stored them) and for the first train " +
        "(every shard computes every slice checkpoint), on each storage the silos can use. Each run builds a new model; the " +
        "figure is the median. ML.NET's training rate on the same records is the peer for train. No target: context for the others.";

    public async Task RunAsync(BenchContext context, ScenarioRecorder recorder)
    {
        var settings = context.Settings;
        var sets = new List<BenchDataset>();
        if (settings.Mode != Runner.BenchMode.Smoke && context.Data.Shared(DataSets.Largest) is { } largest) sets.Add(largest);
        sets.Add(SyntheticData.Generate(settings.IngestSyntheticRows, settings.SyntheticFeatures));

        var mlnetRates = new Dictionary<string, double>();
        foreach (var data in sets)
        {
            var peer = new MlNetPeer(data.FeatureCount, data.ClassCount);
            var rows = peer.Prepare(data.Records);
            var times = new List<double>();
            for (var run = 0; run < context.WarmupRuns + context.Runs; run++)
            {
                var ms = peer.Train(rows, rows.Length).ElapsedMs;
                if (run >= context.WarmupRuns) times.Add(ms);
            }
            mlnetRates[data.Name] = data.Records.Length / (Stats.Median(times) / 1000);
        }

        var categories = new List<string>();
        var ingestSeries = new List<double>();
        var trainSeries = new List<double>();
        foreach (var storage in StorageBackends.All)
        {
            var name = StorageBackends.DisplayName(storage);
            foreach (var data in sets)
            {
                var caseName = $"{name}, {data.Name} {data.Shape}";
                if (StorageBackends.Unavailable(storage) is { } reason)
                {
                    recorder.Add(new ResultRow { Case = caseName, Metric = "ingest", Unit = "records/s", Verdict = Verdict.NotAvailable, Note = reason });
                    recorder.Add(new ResultRow { Case = caseName, Metric = "train", Unit = "records/s", Verdict = Verdict.NotAvailable });
                    continue;
                }
                BenchContext.Progress($"{caseName}: {context.WarmupRuns} warm-up + {context.Runs} builds, S={settings.SisaShards} R={settings.SisaSlices}");
                var ingest = new List<double>();
                var train = new List<double>();
                // Large sets get a fresh cluster per run, so earlier models do not pile up in memory.
                var freshPerRun = (long)data.Records.Length * data.FeatureCount > 10_000_000;
                BenchCluster? cluster = null;
                try
                {
                    for (var run = 0; run < context.WarmupRuns + context.Runs; run++)
                    {
                        if (cluster is null || freshPerRun)
                        {
                            if (cluster is not null) await cluster.DisposeAsync();
                            cluster = await BenchCluster.StartAsync(storage, settings.Silos);
                        }
                        var records = run < context.WarmupRuns ? data.Records[..Math.Min(data.Records.Length, 20_000)] : data.Records;
                        var built = await BuildAsync(cluster, data, "ingest", settings.SisaShards, settings.SisaSlices, records, settings.IngestBatch);
                        if (run < context.WarmupRuns) continue;
                        ingest.Add(records.Length / (built.IngestMs / 1000));
                        train.Add(records.Length / (built.TrainMs / 1000));
                    }
                }
                finally
                {
                    if (cluster is not null) await cluster.DisposeAsync();
                }
                double ingestRate = Stats.Median(ingest), trainRate = Stats.Median(train), mlnet = mlnetRates[data.Name];
                recorder.Add(new ResultRow
                {
                    Case = caseName, Metric = $"ingest, batches of {settings.IngestBatch:#,0}", Value = ingestRate, Unit = "records/s", Samples = [.. ingest],
                });
                recorder.Add(new ResultRow
                {
                    Case = caseName, Metric = $"first train, S={settings.SisaShards} R={settings.SisaSlices}", Value = trainRate, Unit = "records/s",
                    Samples = [.. train], PeerName = "ML.NET train", PeerValue = mlnet, Ratio = trainRate / mlnet,
                });
                categories.Add($"{name}, {data.Name}");
                ingestSeries.Add(ingestRate);
                trainSeries.Add(trainRate);
            }
        }
        context.Data.Release(DataSets.Largest);

        recorder.Chart(new ChartSpec
        {
            Name = "throughput",
            Title = "Ingest and first-train throughput (median of runs)",
            Kind = ChartKind.Bars,
            LogY = true,
            YLabel = "records/s (log scale)",
            Categories = [.. categories],
            Series = [new("ingest", [], [.. ingestSeries]), new("train", [], [.. trainSeries])],
        });
    }
}
