using Unlearning.Bench.Infrastructure;
using Unlearning.Bench.Results;
using Unlearning.Bench.Runner;
using Unlearning.Client;
using Unlearning.TestKit;
using static Unlearning.Bench.Scenarios.ClusterOps;
using static Unlearning.Bench.Scenarios.LoadGenerator;

namespace Unlearning.Bench.Scenarios;

public sealed class ServingScenario : IScenario
{
    public string Name => "serving";
    public string Id => "2-serving";
    public string Title => "2. Serving";
    public string Description =>
        "Predictions through the Orleans client from concurrent callers, each calling again as soon as it is answered: single rows " +
        "from many callers, and 1,000-row batches, through `IModelReader` (the read replica of the model's ensemble on the silo the call " +
        "arrives at, as the client library and the HTTP API predict) and, for comparison, through the model grain itself. The limit is " +
        "Orleans itself, so the same client in the same run also calls a " +
        "no-op `[Reentrant]` grain activated on the model grain's silo (`Ping(int)`, and `Sink(double[][])` that only counts the rows it is " +
        "sent), the hops of a call to the model grain, and a no-op `[StatelessWorker]`, the hops of a call to a replica. Runs of the workloads " +
        "alternate, every other round backwards, with a full garbage collection before each, so noise hits them alike. Targets: single-row prediction rate at least 70% of the no-op call rate; batched at least " +
        "1M rows/s. The same predictions also go through `IUnlearningClient` (the client library, over the same Orleans client), each run right beside the raw call: target, the library costs at most 5% of the raw grain call's rate (the median of the runs' ratios). Latencies are the medians over runs of each run's p50 and p99. The trust boundary's price: four one-silo clusters up at once, plain TCP, mutual TLS, mutual TLS with one " +
        "43-character RequestContext entry on every call that nothing checks (what Orleans charges for carrying any credential: the entry is " +
        "copied into each request and, as Orleans answers with the context a request brought, into each response), and mutual TLS with a " +
        "token on every call (a JWT, checked by the silo's grain call filter; the client library sends it until the silo has answered it, then " +
        "its 43-character reference, which the silo resolves from the tokens it verified), each run going through the four in turn; ratios are the " +
        "medians of the runs' own ratios. Target: tokens cost at most 10% of the single-row rate with TLS alone.";

    public async Task RunAsync(BenchContext context, ScenarioRecorder recorder)
    {
        var settings = context.Settings;
        var data = ServingData(context);
        var (train, holdout) = data.Split();
        var caseSingle = $"1 row, {settings.ServingCallers} callers";
        var caseBatch = $"{settings.BatchRows:#,0}-row batches, {settings.BatchCallers} callers";
        var plain = await MeasureAsync(context, data, train, holdout);
        var placement = plain.Placement;
        double Rate(string name, int rowsPerCall = 1) => plain.Rate(name, rowsPerCall);
        double P50(string name) => plain.P50(name);
        double P99(string name) => plain.P99(name);
        double[] Samples(string name, int rowsPerCall = 1) => plain.Samples(name, rowsPerCall);

        double pingRate = Rate("no-op Ping"), predictRate = Rate("Predict 1 row"), localPingRate = Rate("no-op local Ping");
        double modelGrainRate = Rate("model grain Predict 1 row");
        double sinkRows = Rate("no-op Sink", settings.BatchRows), batchRows = Rate("Predict batch", settings.BatchRows);
        recorder.Add(new ResultRow
        {
            Case = caseSingle, Metric = "no-op Ping(int)", Value = pingRate, Unit = "calls/s", Samples = Samples("no-op Ping"),
            Note = $"p50 {Format.Milliseconds(P50("no-op Ping"))}, p99 {Format.Milliseconds(P99("no-op Ping"))}; {placement}",
        });
        recorder.Add(new ResultRow
        {
            Case = caseSingle, Metric = "no-op stateless Ping(int)", Value = localPingRate, Unit = "calls/s", Samples = Samples("no-op local Ping"),
            Note = $"p50 {Format.Milliseconds(P50("no-op local Ping"))}, p99 {Format.Milliseconds(P99("no-op local Ping"))}; " +
                   "a [StatelessWorker]: answered by the silo the call arrives at, the hops of a prediction through a read replica",
        });
        recorder.Add(new ResultRow
        {
            Case = caseSingle, Metric = $"Predict, S={settings.SisaShards} ensemble", Value = predictRate, Unit = "calls/s",
            Samples = Samples("Predict 1 row"), Target = ">= 70% of the no-op rate", PeerName = "no-op Ping", PeerValue = pingRate,
            Ratio = predictRate / pingRate, RatioUnit = "%", Verdict = predictRate / pingRate >= 0.70 ? Verdict.Pass : Verdict.Miss,
            Note = $"IModelReader: the read replica of the silo the call arrives at; {plain.PairedRatio("Predict 1 row", "no-op local Ping"):P0} " +
                   "of the no-op stateless worker (same hops)",
        });
        recorder.Add(new ResultRow
        {
            Case = caseSingle, Metric = "Predict through the model grain (no replica)", Value = modelGrainRate, Unit = "calls/s",
            Samples = Samples("model grain Predict 1 row"), PeerName = "no-op Ping", PeerValue = pingRate, Ratio = modelGrainRate / pingRate, RatioUnit = "%",
            Note = $"IModelGrain.Predict: every call to the model grain's silo; the replica answers {plain.PairedRatio("Predict 1 row", "model grain Predict 1 row"):P0} of its rate",
        });
        recorder.Add(new ResultRow
        {
            Case = caseSingle, Metric = "Predict p50 latency", Value = P50("Predict 1 row"), Unit = "ms",
            PeerName = "no-op Ping", PeerValue = P50("no-op Ping"), Ratio = P50("Predict 1 row") / P50("no-op Ping"),
        });
        recorder.Add(new ResultRow
        {
            Case = caseSingle, Metric = "Predict p99 latency", Value = P99("Predict 1 row"), Unit = "ms",
            PeerName = "no-op Ping", PeerValue = P99("no-op Ping"), Ratio = P99("Predict 1 row") / P99("no-op Ping"),
        });
        recorder.Add(new ResultRow
        {
            Case = caseBatch, Metric = "no-op Sink(rows)", Value = sinkRows, Unit = "rows/s", Samples = Samples("no-op Sink", settings.BatchRows),
            Note = $"p50 {Format.Milliseconds(P50("no-op Sink"))}, p99 {Format.Milliseconds(P99("no-op Sink"))}; the transport's limit for rows in, with nothing sent back",
        });
        recorder.Add(new ResultRow
        {
            Case = caseBatch, Metric = $"Predict, S={settings.SisaShards} ensemble", Value = batchRows, Unit = "rows/s",
            Samples = Samples("Predict batch", settings.BatchRows), Target = ">= 1M rows/s", PeerName = "no-op Sink", PeerValue = sinkRows,
            Ratio = batchRows / sinkRows, RatioUnit = "%", Verdict = batchRows >= 1_000_000 ? Verdict.Pass : Verdict.Miss,
        });
        recorder.Add(new ResultRow
        {
            Case = caseBatch, Metric = "Predict p50 latency", Value = P50("Predict batch"), Unit = "ms",
            PeerName = "no-op Sink", PeerValue = P50("no-op Sink"), Ratio = P50("Predict batch") / P50("no-op Sink"),
        });
        recorder.Add(new ResultRow
        {
            Case = caseBatch, Metric = "Predict p99 latency", Value = P99("Predict batch"), Unit = "ms",
            PeerName = "no-op Sink", PeerValue = P99("no-op Sink"), Ratio = P99("Predict batch") / P99("no-op Sink"),
        });
        // The client library's price: IUnlearningClient.PredictAsync beside the raw grain call, same client, same run.
        foreach (var (caseName, raw, viaLibrary, rowsPerCall) in new[]
                 {
                     (caseSingle, "Predict 1 row", "library Predict 1 row", 1),
                     (caseBatch, "Predict batch", "library Predict batch", settings.BatchRows),
                 })
        {
            // Each run measures the two side by side (one right after the other, in turn first): the ratio is the median of
            // each run's own ratio, so the machine's load drifting between runs cancels out.
            double rawRate = Rate(raw, rowsPerCall), libraryRate = Rate(viaLibrary, rowsPerCall), ratio = plain.PairedRatio(viaLibrary, raw);
            recorder.Add(new ResultRow
            {
                Case = caseName, Metric = "Predict through IUnlearningClient", Value = libraryRate, Unit = rowsPerCall == 1 ? "calls/s" : "rows/s",
                Samples = Samples(viaLibrary, rowsPerCall), Target = ">= 95% of the raw grain call (the library costs at most 5%)",
                PeerName = "raw IModelReader.Predict", PeerValue = rawRate, Ratio = ratio, RatioUnit = "%",
                Verdict = ratio >= 0.95 ? Verdict.Pass : Verdict.Miss,
                Note = $"p50 {Format.Milliseconds(P50(viaLibrary))} vs {Format.Milliseconds(P50(raw))}, p99 {Format.Milliseconds(P99(viaLibrary))} vs {Format.Milliseconds(P99(raw))}",
            });
        }

        // The trust boundary's price: the same workloads on one-silo clusters, plain, with mutual TLS, with TLS and an
        // unchecked RequestContext entry (Orleans' floor for any credential), and with TLS and a token on every call, all
        // up at once and measured in turn, so that each ratio compares runs side by side.
        var (bare, tls, entry, secure) = await MeasureSecurityAsync(context, data, train, holdout);
        double tlsRate = tls.Rate("Predict 1 row"), secureRate = secure.Rate("Predict 1 row"), bareRate = bare.Rate("Predict 1 row");
        double tlsRatio = tls.PairedRatio("Predict 1 row", bare), tokenRatio = secure.PairedRatio("Predict 1 row", tls);
        recorder.Add(new ResultRow
        {
            Case = $"{caseSingle}, one silo, mutual TLS", Metric = $"Predict, S={settings.SisaShards} ensemble", Value = tlsRate, Unit = "calls/s",
            Samples = tls.Samples("Predict 1 row"), PeerName = "plain TCP, one silo", PeerValue = bareRate, Ratio = tlsRatio, RatioUnit = "%",
            Note = $"p50 {Format.Milliseconds(tls.P50("Predict 1 row"))}, p99 {Format.Milliseconds(tls.P99("Predict 1 row"))}; " +
                   $"no-op Ping {tls.Rate("no-op Ping"):#,0} calls/s ({tls.PairedRatio("no-op Ping", bare):P0} of plain TCP)",
        });
        recorder.Add(new ResultRow
        {
            Case = $"{caseSingle}, one silo, TLS + a RequestContext entry", Metric = $"Predict, S={settings.SisaShards} ensemble",
            Value = entry.Rate("Predict 1 row"), Unit = "calls/s", Samples = entry.Samples("Predict 1 row"), PeerName = "mutual TLS, one silo",
            PeerValue = tlsRate, Ratio = entry.PairedRatio("Predict 1 row", tls), RatioUnit = "%",
            Note = $"Orleans' own price for carrying a credential: one {TokenReference.Length}-character entry on every call that nothing checks; " +
                   $"no-op Ping {entry.Rate("no-op Ping"):#,0} calls/s ({entry.PairedRatio("no-op Ping", tls):P0} of TLS alone)",
        });
        recorder.Add(new ResultRow
        {
            Case = $"{caseSingle}, one silo, TLS + tokens", Metric = $"Predict, S={settings.SisaShards} ensemble", Value = secureRate, Unit = "calls/s",
            Samples = secure.Samples("Predict 1 row"), Target = ">= 90% of TLS alone (tokens cost at most 10%)", PeerName = "mutual TLS, one silo",
            PeerValue = tlsRate, Ratio = tokenRatio, RatioUnit = "%", Verdict = tokenRatio >= 0.90 ? Verdict.Pass : Verdict.Miss,
            Note = $"p50 {Format.Milliseconds(secure.P50("Predict 1 row"))}, p99 {Format.Milliseconds(secure.P99("Predict 1 row"))}; " +
                   $"{secure.PairedRatio("Predict 1 row", entry):P0} of TLS with the unchecked entry; " +
                   $"no-op Ping {secure.Rate("no-op Ping"):#,0} calls/s ({secure.PairedRatio("no-op Ping", tls):P0} of TLS alone)",
        });
        recorder.Add(new ResultRow
        {
            Case = $"{caseBatch}, one silo, TLS + tokens", Metric = $"Predict, S={settings.SisaShards} ensemble",
            Value = secure.Rate("Predict batch", settings.BatchRows), Unit = "rows/s", Samples = secure.Samples("Predict batch", settings.BatchRows),
            PeerName = "mutual TLS, one silo", PeerValue = tls.Rate("Predict batch", settings.BatchRows),
            Ratio = secure.PairedRatio("Predict batch", tls), RatioUnit = "%",
            Note = $"plain TCP, one silo: {bare.Rate("Predict batch", settings.BatchRows):#,0} rows/s",
        });
        recorder.Note($"model: {data.Name}, {data.FeatureCount} features, {data.ClassCount} classes, S={settings.SisaShards} R={settings.SisaSlices}, trained on {train.Length:#,0} rows; " +
                      "a prediction answers every row with its label and all class probabilities, plus the version of each shard used");

        recorder.Chart(new ChartSpec
        {
            Name = "rates",
            Title = "Serving rate through the Orleans client (median of runs)",
            Kind = ChartKind.Bars,
            LogY = true,
            YLabel = "rows/s (log scale)",
            Categories = [caseSingle, caseBatch],
            Series =
            [
                new("no-op grain (Ping / Sink)", [], [pingRate, sinkRows]),
                new("Predict", [], [predictRate, batchRows]),
            ],
            HorizontalLines = [new(1_000_000, "batched target: 1M rows/s")],
        });
        recorder.Chart(new ChartSpec
        {
            Name = "latency",
            Title = "Serving latency (median over runs of each run's percentile)",
            Kind = ChartKind.Bars,
            LogY = true,
            YLabel = "ms (log scale)",
            Categories = ["no-op Ping", "Predict 1 row", "no-op Sink 1,000", "Predict 1,000"],
            Series =
            [
                new("p50", [], [P50("no-op Ping"), P50("Predict 1 row"), P50("no-op Sink"), P50("Predict batch")]),
                new("p99", [], [P99("no-op Ping"), P99("Predict 1 row"), P99("no-op Sink"), P99("Predict batch")]),
            ],
        });
    }

    /// <summary>The workloads, alternating, on a fresh cluster of the configured number of silos, plain TCP.</summary>
    private static async Task<Measured> MeasureAsync(BenchContext context, Dataset data, DataRecord[] train, DataRecord[] holdout)
    {
        var settings = context.Settings;
        await using var cluster = await BenchCluster.StartAsync(StorageKind.Memory, settings.Silos);
        BenchContext.Progress($"{data.Name}, {settings.Silos} silos, plain TCP: training S={settings.SisaShards} R={settings.SisaSlices} on {train.Length:#,0} rows");
        var built = await BuildAsync(cluster, data, "serving", settings.SisaShards, settings.SisaSlices, train, settings.IngestBatch);
        var model = built.Model;
        var (ping, beside) = await cluster.PingBesideAsync(model);
        // Predictions as the product serves them: the read replica of the silo the call arrives at.
        var reader = cluster.Client.GetGrain<IModelReader>(built.Name);
        var localPing = cluster.Client.GetGrain<ILocalPingGrain>(0);
        // The client library over the same Orleans client: what it adds to a raw grain call (checks, the read pipeline).
        var library = UnlearningClient.Over(cluster.Client);
        var placement = beside ? "no-op grain on the model grain's silo" : "no-op grain on another silo than the model grain (placement put none beside it in 256 tries)";
        var rows = ServingRows.Of(settings, holdout);

        var workloads = new (string Name, int Callers, Func<int, int, Task> Call)[]
        {
            ("Predict 1 row", settings.ServingCallers, (c, i) => reader.Predict(rows.Single(c, i))),
            ("library Predict 1 row", settings.ServingCallers, (c, i) => library.PredictAsync(built.Name, rows.Single(c, i))),
            ("model grain Predict 1 row", settings.ServingCallers, (c, i) => model.Predict(rows.Single(c, i))),
            ("no-op Ping", settings.ServingCallers, (c, i) => ping.Ping(i)),
            ("no-op local Ping", settings.ServingCallers, (c, i) => localPing.Ping(i)),
            ("no-op Sink", settings.BatchCallers, (c, i) => ping.Sink(rows.Batch(c, i))),
            ("Predict batch", settings.BatchCallers, (c, i) => reader.Predict(rows.Batch(c, i))),
            ("library Predict batch", settings.BatchCallers, (c, i) => library.PredictAsync(built.Name, rows.Batch(c, i))),
        };
        var results = workloads.ToDictionary(w => w.Name, _ => new List<ClosedLoopResult>());
        var warmup = TimeSpan.FromSeconds(Math.Min(1, settings.ServingDuration.TotalSeconds));
        BenchContext.Progress($"{context.WarmupRuns} warm-up + {context.Runs} runs of {workloads.Length} workloads, {settings.ServingDuration.TotalSeconds:0.#} s each");
        for (var run = 0; run < context.WarmupRuns + context.Runs; run++)
        {
            // Every other run goes through the workloads backwards, so that of two side by side each goes first in turn,
            // and the single-row ones only ever follow single-row ones; the garbage a workload left is collected before
            // the next begins, so none pays for its predecessor.
            foreach (var (name, callers, call) in run % 2 == 0 ? workloads : Enumerable.Reverse(workloads))
            {
                GC.Collect();
                GC.WaitForPendingFinalizers();
                var result = await ClosedLoopAsync(callers, run < context.WarmupRuns ? warmup : settings.ServingDuration, call);
                if (run >= context.WarmupRuns) results[name].Add(result);
            }
        }
        return new Measured(results, placement);
    }

    /// <summary>
    /// Four one-silo clusters up at once (plain TCP, mutual TLS, mutual TLS with an unchecked RequestContext entry, mutual
    /// TLS and tokens), the same model trained on each, then the workloads that the trust boundary may slow, each run
    /// going through the clusters in turn (rotating
    /// which goes first). One silo each: with two, whether a call takes a hop between silos would depend on where each
    /// cluster placed its model grain, which is noise here.
    /// </summary>
    private static async Task<(Measured Bare, Measured Tls, Measured Entry, Measured Secure)> MeasureSecurityAsync(BenchContext context, Dataset data,
        DataRecord[] train, DataRecord[] holdout)
    {
        var settings = context.Settings;
        BenchSecurity[] kinds = [BenchSecurity.None, BenchSecurity.Tls, BenchSecurity.TlsWithContextEntry, BenchSecurity.TlsAndTokens];
        var clusters = new List<BenchCluster>();
        try
        {
            var workloads = new List<(string Name, int Callers, Func<int, int, Task> Call)>[kinds.Length];
            for (var k = 0; k < kinds.Length; k++)
            {
                var cluster = await BenchCluster.StartAsync(StorageKind.Memory, silos: 1, kinds[k], tcp: true);
                clusters.Add(cluster);
                BenchContext.Progress($"{data.Name}, one silo, {Describe(kinds[k])}: training S={settings.SisaShards} R={settings.SisaSlices} on {train.Length:#,0} rows");
                var model = (await BuildAsync(cluster, data, "serving", settings.SisaShards, settings.SisaSlices, train, settings.IngestBatch)).Model;
                var ping = cluster.Ping(0);
                workloads[k] = ServingWorkloads(settings, holdout, model, ping);
            }

            var results = kinds.Select(_ => new Dictionary<string, List<ClosedLoopResult>>()).ToArray();
            // More, shorter runs than the other workloads: the figure is a median of per-run ratios.
            var runs = 2 * context.Runs + 1;
            var duration = settings.ServingDuration / 2;
            BenchContext.Progress($"{context.WarmupRuns} warm-up + {runs} runs of {workloads[0].Count} workloads on {kinds.Length} clusters in turn, {duration.TotalSeconds:0.#} s each");
            for (var run = 0; run < context.WarmupRuns + runs; run++)
            {
                for (var w = 0; w < workloads[0].Count; w++)
                {
                    for (var turn = 0; turn < kinds.Length; turn++)
                    {
                        var k = (turn + run) % kinds.Length;
                        var (name, callers, call) = workloads[k][w];
                        GC.Collect();
                        GC.WaitForPendingFinalizers();
                        var result = await ClosedLoopAsync(callers, run < context.WarmupRuns ? duration / 2 : duration, call);
                        if (run < context.WarmupRuns) continue;
                        if (!results[k].TryGetValue(name, out var list)) results[k][name] = list = [];
                        list.Add(result);
                    }
                }
            }
            var measured = results.Select(r => new Measured(r, "one silo")).ToArray();
            return (measured[0], measured[1], measured[2], measured[3]);
        }
        finally
        {
            foreach (var cluster in clusters) await cluster.DisposeAsync();
        }
    }

    /// <summary>The workloads the trust boundary's price is measured on: single rows, a no-op call, batches.</summary>
    private static List<(string Name, int Callers, Func<int, int, Task> Call)> ServingWorkloads(BenchSettings settings, DataRecord[] holdout,
        IModelGrain model, IPingGrain ping)
    {
        var rows = ServingRows.Of(settings, holdout);
        return
        [
            ("Predict 1 row", settings.ServingCallers, (c, i) => model.Predict(rows.Single(c, i))),
            ("no-op Ping", settings.ServingCallers, (c, i) => ping.Ping(i)),
            ("Predict batch", settings.BatchCallers, (c, i) => model.Predict(rows.Batch(c, i))),
        ];
    }

    /// <summary>What callers send: each held-out row alone, and 16 batches of held-out rows; caller c's i-th call picks one.</summary>
    private sealed class ServingRows(double[][][] singles, double[][][] batches)
    {
        public static ServingRows Of(BenchSettings settings, DataRecord[] holdout) => new(
            [.. holdout.Select(r => new[] { r.Features })],
            [.. Enumerable.Range(0, 16).Select(b =>
                Enumerable.Range(0, settings.BatchRows).Select(i => holdout[(b * settings.BatchRows + i) % holdout.Length].Features).ToArray())]);

        public double[][] Single(int caller, int call) => singles[(caller * 7919 + call) % singles.Length];

        public double[][] Batch(int caller, int call) => batches[(caller + call) % batches.Length];
    }

    private static string Describe(BenchSecurity security) => security switch
    {
        BenchSecurity.Tls => "mutual TLS",
        BenchSecurity.TlsAndTokens => "mutual TLS + tokens",
        _ => "plain TCP",
    };

    private sealed record Measured(Dictionary<string, List<ClosedLoopResult>> Results, string Placement)
    {
        public double Rate(string name, int rowsPerCall = 1) => Stats.Median([.. Results[name].Select(r => r.Rate * rowsPerCall)]);
        public double P50(string name) => Stats.Median([.. Results[name].Select(r => r.P50)]);
        public double P99(string name) => Stats.Median([.. Results[name].Select(r => r.P99)]);
        public double[] Samples(string name, int rowsPerCall = 1) => [.. Results[name].Select(r => r.Rate * rowsPerCall)];

        /// <summary>The median over runs of each run's rate of <paramref name="name"/> over that of <paramref name="peer"/>.</summary>
        public double PairedRatio(string name, string peer) => Stats.Median([.. Results[name].Zip(Results[peer], (a, b) => a.Rate / b.Rate)]);

        /// <summary>The median over runs of each run's rate of <paramref name="name"/> here over its rate on <paramref name="other"/> in the same run.</summary>
        public double PairedRatio(string name, Measured other) => Stats.Median([.. Results[name].Zip(other.Results[name], (a, b) => a.Rate / b.Rate)]);
    }
}
