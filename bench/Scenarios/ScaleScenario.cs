using System.Diagnostics;
using System.Globalization;
using System.Runtime;
using System.Text;
using Unlearning.Bench.Data;
using Unlearning.Bench.Infrastructure;
using Unlearning.Bench.Results;
using Unlearning.Bench.Runner;
using Unlearning.TestKit;
using static Unlearning.Bench.Scenarios.ClusterOps;

namespace Unlearning.Bench.Scenarios;

/// <summary>Scenario 9's sizes: records per model and their widths, the many-models case, the CLI's file, and the cluster case
/// (one model over several silos on PostgreSQL); how long a case waits, after the previous case's cluster stopped, before
/// it takes its baseline.</summary>
public sealed record ScaleSettings(int Records, int[] Features, int Models, int ModelRecords, int ModelFeatures, int CliRecords, int CliFeatures,
    int SpreadRecords, int SpreadFeatures, int SpreadSilos, TimeSpan AfterClusterSettle);

/// <summary>
/// Memory at scale (issue 14): what a silo holds per record on each store, how many bytes a model costs before and after
/// idle collection and after predictions, the first prediction after a restart, and the CLI's peak memory on a large file.
/// The silos run in this process (TCP on loopback, one silo), so heap and RSS figures are differences measured around
/// the step, after a compacting, decommitting collection: the silo's fixed cost is measured apart.
/// </summary>
public sealed class ScaleScenario : IScenario
{
    private const int Shards = 16, Slices = 4;
    /// <summary>Many-models case: small models, as a platform holding one per tenant or cohort would have.</summary>
    private const int ModelShards = 4, ModelSlices = 2;
    internal const double MiB = 1 << 20;

    public string Name => "scale";
    public string Id => "9-scale";
    public string Title => "9. Scale: memory per record and per model, cold predictions, a streaming client";
    public string Description =>
        "One silo in this process (TCP client). Per store and width: live heap and RSS per record after ingest and train (differences around " +
        "the build, after a compacting collection that returns freed memory), ingest rate, and on the durable stores the first prediction " +
        "after the cluster restarts. Many models on SQLite: heap and RSS per model after they are built, after idle collection, and " +
        "after one prediction on each. The CLI as a process ingesting a large generated CSV: its peak RSS (VmHWM). Raw bytes of a record: " +
        "8 per feature + 8 (the issue's measure). One model over several silos on PostgreSQL (all in this process): shards and records per " +
        "silo, heap and RSS per record, ingest rate, single-row predictions against a no-op call (scenario 2's target), one forget (mean of 8) " +
        "against the full train, predictions while forgets stream in (scenario 3's targets: no failure, no stale answer, p99 at most 2x " +
        "idle; one run), a batch of forgets (as calls sent together, and as one stored request) against the full train (scenario 10's target), the first prediction after every " +
        "silo restarts.";

    public async Task RunAsync(BenchContext context, ScenarioRecorder recorder)
    {
        var scale = context.Settings.Scale;
        await WarmUpAsync(context);
        foreach (var features in scale.Features)
            await PerRecordAsync(context, recorder, scale.Records, features);
        await ManyModelsAsync(recorder, scale);
        await ClientAsync(recorder, scale);
        await ScaleAcrossSilos.RunAsync(context, recorder, scale);
    }

    /// <summary>
    /// Runs every store's ingest, train and forget once on a small model, in clusters stopped before the first baseline.
    /// The code the runtime compiles and the types it loads on first use take memory once per process (part of a silo's
    /// fixed cost); without this, the first case measured (memory, d = 10) counted them as its records': at 1M x 10 its
    /// RSS per record was 35 B above its live heap, against 0-10 B for the stores measured after it.
    /// </summary>
    private static async Task WarmUpAsync(BenchContext context)
    {
        var records = WarmUpRecords(context.Settings.Scale);
        var data = SyntheticData.Generate(records, context.Settings.Scale.Features[0]);
        foreach (var kind in StorageBackends.All)
        {
            if (await StorageBackends.UnavailableAsync(kind) is not null) continue;
            BenchContext.Progress($"warm-up: {records:#,0} records on {StorageBackends.DisplayName(kind)}");
            await using var cluster = await BenchCluster.StartAsync(kind, 1);
            var built = await BuildAsync(cluster, data, "warmup", Shards, Slices, data.Records, context.Settings.IngestBatch);
            await built.Model.Forget(data.Records[0].Subject);
        }
    }

    /// <summary>Enough rows to run every path a case runs; no more than the cases' own (the smoke run stays short).</summary>
    internal static int WarmUpRecords(ScaleSettings scale) => Math.Min(20_000, scale.Records);

    private static async Task PerRecordAsync(BenchContext context, ScenarioRecorder recorder, int records, int features)
    {
        BenchContext.Progress($"generating synthetic {records:#,0} x {features}");
        var data = SyntheticData.Generate(records, features);
        var raw = 8.0 * features + 8;
        var caseName = $"{records:#,0} x {features}";
        double? memoryRate = null;
        foreach (var kind in StorageBackends.All)
        {
            var store = StorageBackends.DisplayName(kind);
            if (await StorageBackends.UnavailableAsync(kind) is { } reason)
            {
                recorder.Add(new ResultRow { Case = $"{caseName}, {store}", Metric = "live heap per record", Verdict = Verdict.NotAvailable, Unavailable = reason });
                continue;
            }
            BenchContext.Progress($"{caseName} on {store}");
            var beforeStart = await MeasureSettledAsync(context.Settings.Scale.AfterClusterSettle);
            var cluster = await BenchCluster.StartAsync(kind, 1);
            try
            {
                var started = await MeasureSettledAsync(AfterStartSettle);
                var built = await BuildAsync(cluster, data, "scale", Shards, Slices, data.Records, context.Settings.IngestBatch);
                var after = Measure();
                var rate = records / (built.IngestMs / 1000);
                if (kind == StorageKind.Memory) memoryRate = rate;
                AddMemoryRows(recorder, $"{caseName}, {store}", raw, records, started, after, heapNote: "",
                    fixedCost: $"the silo's fixed cost (started, empty): {(started.Rss - beforeStart.Rss) / MiB:0} MiB RSS, " +
                               $"{(started.Heap - beforeStart.Heap) / MiB:0} MiB heap");
                recorder.Add(new ResultRow
                {
                    Case = $"{caseName}, {store}", Metric = "ingest rate", Value = rate, Unit = "rec/s",
                    Target = kind == StorageKind.Sqlite ? ">= 50% of memory" : "-",
                    PeerName = memoryRate is null || kind == StorageKind.Memory ? null : "memory", PeerValue = kind == StorageKind.Memory ? null : memoryRate,
                    Ratio = memoryRate is { } m && kind != StorageKind.Memory ? rate / m : null, RatioUnit = "%",
                    Verdict = kind != StorageKind.Sqlite || memoryRate is null ? Verdict.Info : rate >= 0.5 * memoryRate.Value ? Verdict.Pass : Verdict.Miss,
                    Note = $"batches of {context.Settings.IngestBatch:#,0} through the client, S={Shards} R={Slices}; train {built.TrainMs / 1000:0.0} s",
                });
                if (kind == StorageKind.Memory) continue;

                // A restart: the model's rows are all the new silo has; the first prediction activates the model and its shards.
                cluster = await AddFirstPredictAfterRestartAsync(recorder, $"{caseName}, {store}", cluster, 1, built.Name, data.Records[0].Features, "one row");
            }
            finally
            {
                await cluster.DisposeAsync();
            }
        }
    }

    /// <summary>
    /// Live heap and RSS per record of a build of <paramref name="records"/> records (<paramref name="raw"/> bytes each),
    /// measured around it, against 2x raw + 64.
    /// </summary>
    /// <param name="heapNote">Said before the heap row's note ("" for nothing).</param>
    /// <param name="fixedCost">What the empty silos took, for the RSS row's note.</param>
    internal static void AddMemoryRows(ScenarioRecorder recorder, string caseName, double raw, int records, (long Heap, long Rss) started,
        (long Heap, long Rss) after, string heapNote, string fixedCost)
    {
        var heap = (after.Heap - started.Heap) / (double)records;
        var rss = (after.Rss - started.Rss) / (double)records;
        var target = 2 * raw + 64;
        recorder.Add(new ResultRow
        {
            Case = caseName, Metric = "live heap per record", Value = heap, Unit = "B", Target = $"<= {target:0} (2x raw + 64)",
            Verdict = heap <= target ? Verdict.Pass : Verdict.Miss, Note = $"{heapNote}raw {raw:0} B; {heap / raw:0.00}x raw",
        });
        recorder.Add(new ResultRow
        {
            Case = caseName, Metric = "RSS per record", Value = rss, Unit = "B", Target = $"<= {target:0} (2x raw + 64)",
            Verdict = rss <= target ? Verdict.Pass : Verdict.Miss,
            Note = $"{(after.Rss - started.Rss) / MiB:#,0} MiB for {records * raw / MiB:#,0} MiB raw; {fixedCost}",
        });
    }

    /// <summary>
    /// Stops <paramref name="cluster"/> keeping its store, starts <paramref name="silos"/> silos on it, and records the time of
    /// the first prediction of one row (the model's rows are all the new silos have), with the median of five warm ones.
    /// </summary>
    /// <returns>The restarted cluster, for the caller to dispose.</returns>
    internal static async Task<BenchCluster> AddFirstPredictAfterRestartAsync(ScenarioRecorder recorder, string caseName, BenchCluster cluster,
        int silos, string modelName, double[] features, string note)
    {
        var row = new[] { features };
        await cluster.StopKeepingStoreAsync();
        cluster = await BenchCluster.StartOnAsync(cluster.Store, silos);
        var model = cluster.Model(modelName);
        var first = await TimeAsync(() => model.Predict(row));
        var warm = new List<double>();
        for (var i = 0; i < 5; i++) warm.Add(await TimeAsync(() => model.Predict(row)));
        recorder.Add(new ResultRow
        {
            Case = caseName, Metric = "first predict after restart", Value = first, Unit = "ms", Target = "<= 100",
            Verdict = first <= 100 ? Verdict.Pass : Verdict.Miss, Note = $"{note}; warm: {Stats.Median(warm):0.0} ms",
        });
        return cluster;
    }

    private static async Task ManyModelsAsync(ScenarioRecorder recorder, ScaleSettings scale)
    {
        var caseName = $"{scale.Models:#,0} models of {scale.ModelRecords:#,0} x {scale.ModelFeatures}, SQLite";
        BenchContext.Progress(caseName);
        var data = SyntheticData.Generate(scale.ModelRecords, scale.ModelFeatures);
        var raw = (8.0 * scale.ModelFeatures + 8) * scale.ModelRecords;
        await Task.Delay(scale.AfterClusterSettle);
        await using var cluster = await BenchCluster.StartAsync(StorageKind.Sqlite, 1);
        var started = await MeasureSettledAsync(AfterStartSettle);
        var names = new string[scale.Models];
        var next = -1;
        await Task.WhenAll(Enumerable.Range(0, 4).Select(async _ =>
        {
            for (var i = Interlocked.Increment(ref next); i < names.Length; i = Interlocked.Increment(ref next))
                names[i] = (await BuildAsync(cluster, data, "tenant", ModelShards, ModelSlices, data.Records, scale.ModelRecords)).Name;
        }));
        var loaded = Measure();

        // Idle collection: every activation idle now is deactivated, as the collection ages would after their time.
        await cluster.Client.GetGrain<IManagementGrain>(0).ForceActivationCollection(TimeSpan.Zero);
        await Task.Delay(TimeSpan.FromSeconds(2));
        var idle = Measure();

        var row = new[] { data.Records[0].Features };
        var firsts = new List<double>();
        foreach (var name in names) firsts.Add(await TimeAsync(() => cluster.Model(name).Predict(row)));
        var predicted = Measure();

        void Add(string metric, double bytesPerModel, string target, Verdict verdict, string note) => recorder.Add(new ResultRow
        {
            Case = caseName, Metric = metric, Value = bytesPerModel / 1024, Unit = "KiB/model", Target = target, Verdict = verdict, Note = note,
        });
        var models = (double)scale.Models;
        Add("heap after build", (loaded.Heap - started.Heap) / models, "-", Verdict.Info,
            $"raw records {raw / 1024:0} KiB/model; RSS {(loaded.Rss - started.Rss) / models / 1024:0} KiB/model ({(loaded.Rss - started.Rss) / MiB:0} MiB)");
        Add("heap after idle collection", (idle.Heap - started.Heap) / models, "-", Verdict.Info,
            $"RSS {(idle.Rss - started.Rss) / models / 1024:0} KiB/model ({(idle.Rss - started.Rss) / MiB:0} MiB)");
        var perModel = (predicted.Heap - idle.Heap) / models;
        Add("heap added by one prediction on each", perModel, "<= 64 (weights, not records)", perModel <= 64 * 1024 ? Verdict.Pass : Verdict.Miss,
            $"RSS {(predicted.Rss - idle.Rss) / models / 1024:0} KiB/model ({(predicted.Rss - started.Rss) / MiB:0} MiB above the empty silo); " +
            $"cold prediction median {Stats.Median(firsts):0.0} ms, p99 {Stats.Percentile(firsts, 99):0.0} ms");
    }

    private static async Task ClientAsync(ScenarioRecorder recorder, ScaleSettings scale)
    {
        var cli = Path.Combine(RepoPaths.Root, "Client", "Cli", "bin", "Release", "net10.0", "unlearn.dll");
        var caseName = $"CLI ingest of {scale.CliRecords:#,0} x {scale.CliFeatures}";
        if (!File.Exists(cli))
        {
            recorder.Add(new ResultRow { Case = caseName, Metric = "client peak RSS", Verdict = Verdict.NotAvailable, Unavailable = $"build the CLI first ({cli})" });
            return;
        }
        var directory = Directory.CreateTempSubdirectory("unlearning-bench-cli-");
        try
        {
            var file = Path.Combine(directory.FullName, "records.csv");
            var shape = SyntheticData.Generate(2, scale.CliFeatures);
            BenchContext.Progress($"writing {caseName}");
            WriteCsv(file, shape, scale.CliRecords);
            var size = new FileInfo(file).Length;
            await using var cluster = await BenchCluster.StartAsync(StorageKind.Memory, 1);
            var name = UniqueName("cli");
            await cluster.Model(name).Create(shape.Config(name, Shards, Slices));

            BenchContext.Progress($"{caseName} ({size / MiB:0} MiB) through the CLI");
            var start = new ProcessStartInfo("dotnet") { UseShellExecute = false, RedirectStandardOutput = true, RedirectStandardError = true };
            foreach (var argument in new[] { cli, "ingest", name, file, "--gateway", $"127.0.0.1:{cluster.GatewayPorts[0]}", "--cluster-id", BenchCluster.ClusterId, "--json" })
                start.ArgumentList.Add(argument);
            start.Environment["DOTNET_gcServer"] = "0";
            var clock = Stopwatch.StartNew();
            using var process = Process.Start(start)!;
            var stdout = process.StandardOutput.ReadToEndAsync();
            var stderr = process.StandardError.ReadToEndAsync();
            long peak = 0;
            while (!process.HasExited)
            {
                peak = Math.Max(peak, PeakRss(process.Id));
                await Task.Delay(20);
            }
            await process.WaitForExitAsync();
            if (process.ExitCode != 0) throw new InvalidOperationException($"the CLI exited {process.ExitCode}: {await stderr}");
            _ = await stdout;
            var peakMiB = peak / MiB;
            recorder.Add(new ResultRow
            {
                Case = caseName, Metric = "client peak RSS", Value = peakMiB, Unit = "MiB", Target = "<= 300 whatever the file size",
                Verdict = peakMiB <= 300 ? Verdict.Pass : Verdict.Miss,
                Note = $"file {size / MiB:0} MiB ({peakMiB * MiB / size:0.00}x); {scale.CliRecords / clock.Elapsed.TotalSeconds:#,0} rec/s; VmHWM sampled every 20 ms",
            });
        }
        finally
        {
            directory.Delete(recursive: true);
        }
    }

    /// <summary>Rows of random features (seeded), labels alternating, written as they are made (never held).</summary>
    private static void WriteCsv(string path, Dataset shape, int rows)
    {
        var random = new Random(9);
        using var writer = new StreamWriter(path, false, new UTF8Encoding(false), 1 << 16);
        writer.Write("id,subject,label");
        foreach (var feature in shape.FeatureNames) writer.Write("," + feature);
        writer.Write('\n');
        var line = new StringBuilder();
        for (var i = 0; i < rows; i++)
        {
            line.Clear().Append(CultureInfo.InvariantCulture, $"r{i},s{i / 4},{shape.Labels[i % shape.Labels.Length]}");
            for (var j = 0; j < shape.FeatureCount; j++)
                line.Append(',').Append((random.NextDouble() * 4 - 2).ToString("R", CultureInfo.InvariantCulture));
            writer.Write(line.Append('\n'));
        }
    }

    /// <summary>The process's peak resident set so far (VmHWM), 0 once it is gone.</summary>
    private static long PeakRss(int pid)
    {
        try
        {
            foreach (var line in File.ReadLines($"/proc/{pid}/status"))
            {
                if (line.StartsWith("VmHWM:", StringComparison.Ordinal))
                    return long.Parse(line["VmHWM:".Length..].Trim().Split(' ')[0], CultureInfo.InvariantCulture) * 1024;
            }
        }
        catch (IOException) { }
        catch (UnauthorizedAccessException) { }
        return 0;
    }

    /// <summary>
    /// <see cref="Measure"/> once background work has had time to end. A cluster stopped just before (the previous case's)
    /// leaves memory that is freed only later (pooled buffers are trimmed after a minute unused): a baseline taken within
    /// seconds counted it, the measure after the build did not, and the difference came out too small (1M x 10 on SQLite:
    /// 190 B per record after 5 s, 226 B after 65 s, 242 B alone in a process) or negative (models after idle collection).
    /// </summary>
    /// <param name="settle">After a cluster stopped: <see cref="ScaleSettings.AfterClusterSettle"/>; after one started: <see cref="AfterStartSettle"/>.</param>
    internal static async Task<(long Heap, long Rss)> MeasureSettledAsync(TimeSpan settle)
    {
        await Task.Delay(settle);
        return Measure();
    }

    /// <summary>A cluster just started finishes its start-up work (membership, timers) within this.</summary>
    internal static readonly TimeSpan AfterStartSettle = TimeSpan.FromSeconds(5);

    /// <summary>Live heap and RSS after a blocking, compacting collection that returns freed memory to the system.</summary>
    internal static (long Heap, long Rss) Measure()
    {
        for (var i = 0; i < 2; i++)
        {
            GCSettings.LargeObjectHeapCompactionMode = GCLargeObjectHeapCompactionMode.CompactOnce;
            GC.Collect(GC.MaxGeneration, GCCollectionMode.Aggressive, blocking: true, compacting: true);
            GC.WaitForPendingFinalizers();
        }
        using var process = Process.GetCurrentProcess();
        return (GC.GetTotalMemory(false), process.WorkingSet64);
    }
}
