using Unlearning.Bench.Data;
using Unlearning.Bench.Infrastructure;
using Unlearning.Bench.Peers;
using Unlearning.Bench.Results;
using Unlearning.TestKit;
using static Unlearning.Bench.Scenarios.ClusterOps;

namespace Unlearning.Bench.Scenarios;

public sealed class IngestTrainScenario : IScenario
{
    public string Name => "ingest";
    public string Id => "5-ingest-train";
    public string Title => "5. Ingest and train throughput";
    public string Description =>
        "Records per second for ingest (batches through the client until every shard has stored them) and for the first train " +
        "(every shard computes every slice checkpoint), then one forget's latency (until the store no longer holds the subject: " +
        "on PostgreSQL that includes the VACUUM (FULL) of the state_keys partition holding the shard's keys, which erases the " +
        "replaced versions' keys, before returning) and the bytes the store takes per 10,000 records after it (SQLite: the " +
        "database file; PostgreSQL: pg_total_relation_size of grain_state after VACUUM (FULL)), on each storage the silos can use (SQLite with one silo, its deployment: the embedded store of a single silo; memory and PostgreSQL with two). Each run builds a new model on a new cluster with a new store " +
        "(SQLite: a fresh temporary directory; PostgreSQL: a fresh database), deleted afterwards; the figure is the median. " +
        "ML.NET's training rate on the same records is the peer for train, memory the peer for the rest. No target: context for the others.";

    /// <summary>The warm-up run's size: enough to JIT every path, small enough to be quick on every store.</summary>
    private const int WarmupRecords = 20_000;

    public async Task RunAsync(BenchContext context, ScenarioRecorder recorder)
    {
        var settings = context.Settings;
        var sets = new List<Dataset>();
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

        var memory = new Dictionary<string, Measured>();
        var categories = new List<string>();
        var measured = new List<Measured>();
        foreach (var storage in StorageBackends.All)
        {
            var name = StorageBackends.DisplayName(storage);
            var reason = await StorageBackends.UnavailableAsync(storage);
            string? description = null;
            foreach (var data in sets)
            {
                var caseName = $"{name}, {data.Name} {data.Shape}";
                if (reason is not null)
                {
                    foreach (var metric in new[] { "ingest", "first train", "one forget", "stored per 10,000 records" })
                        recorder.Add(new ResultRow { Case = caseName, Metric = metric, Verdict = Verdict.NotAvailable, Unavailable = reason });
                    continue;
                }
                var silos = StorageBackends.Silos(storage, settings.Silos);
                BenchContext.Progress($"{caseName}: {context.WarmupRuns} warm-up + {context.Runs} builds, S={settings.SisaShards} R={settings.SisaSlices}, " +
                                      $"a new cluster of {silos} silo(s) and store each");
                var result = await MeasureAsync(context, storage, data, d => description ??= d);
                if (storage == StorageKind.Memory) memory[data.Name] = result;
                var baseline = storage == StorageKind.Memory ? null : memory.GetValueOrDefault(data.Name);
                Report(recorder, context, caseName, result, baseline, mlnetRates[data.Name]);
                categories.Add($"{name}, {data.Name}");
                measured.Add(result);
            }
            if (description is not null) recorder.Note($"{name}: {description}; {StorageBackends.Silos(storage, settings.Silos)} silo(s)");
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
            Series = [new("ingest", [], [.. measured.Select(m => m.Ingest)]), new("train", [], [.. measured.Select(m => m.Train)])],
        });
        recorder.Chart(new ChartSpec
        {
            Name = "forget-and-bytes",
            Title = "One forget's latency and the bytes stored per 10,000 records, by store (median of runs)",
            Kind = ChartKind.Bars,
            LogY = true,
            YLabel = "ms / MB (log scale)",
            Categories = [.. categories],
            Series =
            [
                new("one forget, ms", [], [.. measured.Select(m => m.ForgetMs)]),
                new("stored per 10,000 records, MB", [], [.. measured.Select(m => m.Stored is { } b ? b.Total / 1e6 : double.NaN)]),
            ],
        });
    }

    /// <summary>One store's medians on one data set; <see cref="Stored"/> is per 10,000 records, null for memory.</summary>
    private sealed record Measured(double Ingest, double Train, double ForgetMs, StoredPer10k? Stored,
        double[] IngestRuns, double[] TrainRuns, double[] ForgetRuns, int Records);

    /// <summary>Bytes per 10,000 records held after the forget: the store's total and the grain-state payloads within it.</summary>
    private sealed record StoredPer10k(double Total, double Payload, int Rows);

    private static async Task<Measured> MeasureAsync(BenchContext context, StorageKind storage, Dataset data, Action<string> describe)
    {
        var settings = context.Settings;
        var ingest = new List<double>();
        var train = new List<double>();
        var forget = new List<double>();
        var stored = new List<StoredPer10k>();
        for (var run = 0; run < context.WarmupRuns + context.Runs; run++)
        {
            var warmup = run < context.WarmupRuns;
            var records = warmup ? data.Records[..Math.Min(data.Records.Length, WarmupRecords)] : data.Records;
            await using var cluster = await BenchCluster.StartAsync(storage, StorageBackends.Silos(storage, settings.Silos));
            if (!warmup) describe(await cluster.Store.DescribeAsync());
            var built = await BuildAsync(cluster, data, "ingest", settings.SisaShards, settings.SisaSlices, records, settings.IngestBatch);
            var subject = records[new Random(run).Next(records.Length)].Subject;
            ForgetReceipt? receipt = null;
            var forgetMs = await TimeAsync(async () => receipt = await built.Model.Forget(subject));
            var bytes = await cluster.Store.MeasureAsync();
            if (warmup) continue;
            ingest.Add(records.Length / (built.IngestMs / 1000));
            train.Add(records.Length / (built.TrainMs / 1000));
            forget.Add(forgetMs);
            if (bytes is not null)
            {
                var held = records.Length - receipt!.RecordsRemoved;
                stored.Add(new StoredPer10k(bytes.Total * 10_000.0 / held, bytes.Payload * 10_000.0 / held, bytes.Rows));
            }
        }
        return new Measured(Stats.Median(ingest), Stats.Median(train), Stats.Median(forget),
            stored.Count == 0 ? null : new StoredPer10k(Stats.Median([.. stored.Select(s => s.Total)]), Stats.Median([.. stored.Select(s => s.Payload)]), stored[^1].Rows),
            [.. ingest], [.. train], [.. forget], data.Records.Length);
    }

    private static void Report(ScenarioRecorder recorder, BenchContext context, string caseName, Measured m, Measured? memory, double mlnet)
    {
        var settings = context.Settings;
        recorder.Add(new ResultRow
        {
            Case = caseName, Metric = $"ingest, batches of {settings.IngestBatch:#,0}", Value = m.Ingest, Unit = "records/s", Samples = m.IngestRuns,
            PeerName = memory is null ? null : "memory", PeerValue = memory?.Ingest, Ratio = memory is null ? null : m.Ingest / memory.Ingest,
            RatioUnit = "%",
        });
        recorder.Add(new ResultRow
        {
            Case = caseName, Metric = $"first train, S={settings.SisaShards} R={settings.SisaSlices}", Value = m.Train, Unit = "records/s",
            Samples = m.TrainRuns, PeerName = "ML.NET train", PeerValue = mlnet, Ratio = m.Train / mlnet,
        });
        recorder.Add(new ResultRow
        {
            Case = caseName, Metric = "one forget", Value = m.ForgetMs, Unit = "ms", Samples = m.ForgetRuns,
            PeerName = memory is null ? null : "memory", PeerValue = memory?.ForgetMs, Ratio = memory is null ? null : m.ForgetMs / memory.ForgetMs,
            Note = memory is null ? "one subject of the freshly trained model, until Forget returns" : "ratio: times memory's latency",
        });
        if (m.Stored is { } stored)
        {
            recorder.Add(new ResultRow
            {
                Case = caseName, Metric = "stored per 10,000 records", Value = stored.Total / 1e6, Unit = "MB",
                PeerName = "grain-state payloads", PeerValue = stored.Payload / 1e6, Ratio = stored.Total / stored.Payload,
                Note = $"after the forget, {stored.Rows:#,0} grain-state rows (records in chunks of up to 256 per shard and slice, " +
                       $"shard and model rows); ratio: the store's bytes over the payloads' (page, row, index and free-space overhead)",
            });
        }
    }
}
