using System.Diagnostics;
using Unlearning.Bench.Infrastructure;
using Unlearning.Bench.Results;
using static Unlearning.Bench.Scenarios.ClusterOps;
using static Unlearning.Bench.Scenarios.LoadGenerator;

namespace Unlearning.Bench.Scenarios;

public sealed class AvailabilityScenario : IScenario
{
    public string Name => "availability";
    public string Id => "3-availability";
    public string Title => "3. Availability during unlearning";
    public string Description =>
        "Single-row predictions through `IModelReader` (the read replica of the silo each call arrives at) issued at a fixed rate " +
        "(open loop: a slow answer does not delay the next call) first with the " +
        "model idle, then while forgets stream in one after another. A failure is a prediction that threw. A stale answer is a " +
        "prediction issued after a forget returned that used the forget's shard at weights not yet clean of it (the shard's " +
        "`ForgetsAccepted` in the answer below the number of forgets that shard had accepted). Targets: 0 failures, 0 stale answers, " +
        "p99 latency during forgets at most 2x idle (medians over runs of each run's p99).";

    public async Task RunAsync(BenchContext context, ScenarioRecorder recorder)
    {
        var settings = context.Settings;
        var data = ServingData(context);
        var (train, holdout) = data.Split();
        await using var cluster = await BenchCluster.StartAsync(StorageKind.Memory, settings.Silos);
        BenchContext.Progress($"{data.Name}: training S={settings.SisaShards} R={settings.SisaSlices} on {train.Length:#,0} rows");
        var built = await BuildAsync(cluster, data, "avail", settings.SisaShards, settings.SisaSlices, train, settings.IngestBatch);
        var model = built.Model;
        // Predictions as the product serves them, through the read replica of the silo each call arrives at.
        var reader = cluster.Client.GetGrain<IModelReader>(built.Name);
        var rows = holdout.Select(r => new[] { r.Features }).ToArray();
        var pool = new SubjectPool(train.Length, seed: 11);
        // Forgets each shard has accepted so far (each subject here owns one record, so every forget removes one).
        var accepted = new long[settings.SisaShards];
        // Every forget that returned, in order, with the count its shard must be clean through from then on.
        var completions = new List<(long ReturnedAt, int Shard, long Required)>();

        var idleP99 = new List<double>();
        var busyP99 = new List<double>();
        var idleP50 = new List<double>();
        var busyP50 = new List<double>();
        var forgetMs = new List<double>();
        var idleGc = new List<GcSample>();
        var busyGc = new List<GcSample>();
        long failures = 0, stale = 0, answered = 0;
        string? firstFailure = null;
        IReadOnlyList<Call<PredictionBatch>> lastIdle = [], lastBusy = [];
        var lastForgets = new List<long>();
        long lastStart = 0;
        BenchContext.Progress($"{context.WarmupRuns} warm-up + {context.Runs} runs: {settings.AvailabilityIdle.TotalSeconds:0.#} s idle, then {settings.AvailabilityForgets} forgets");
        for (var run = 0; run < context.WarmupRuns + context.Runs; run++)
        {
            var runStart = Stopwatch.GetTimestamp();
            var before = GcSample.Now();
            using (var idleStop = new CancellationTokenSource(settings.AvailabilityIdle))
            {
                lastIdle = await OpenLoopAsync(settings.AvailabilityRate, idleStop.Token, k => reader.Predict(rows[(k * 31 + run) % rows.Length]));
            }

            var afterIdle = GcSample.Now();
            var runCompletions = completions.Count;
            var forgetTimes = new List<double>();
            using var busyStop = new CancellationTokenSource();
            var predictions = OpenLoopAsync(settings.AvailabilityRate, busyStop.Token, k => reader.Predict(rows[(k * 17 + run) % rows.Length]));
            try
            {
                for (var f = 0; f < settings.AvailabilityForgets; f++)
                {
                    var subject = train[pool.Next()].Subject;
                    var sent = Stopwatch.GetTimestamp();
                    var receipt = await model.Forget(subject);
                    var returnedAt = Stopwatch.GetTimestamp();
                    forgetTimes.Add(Stopwatch.GetElapsedTime(sent, returnedAt).TotalMilliseconds);
                    if (receipt.RecordsRemoved > 0) completions.Add((returnedAt, receipt.Shard, ++accepted[receipt.Shard]));
                    await Task.Delay(settings.ForgetInterval);
                }
            }
            finally
            {
                busyStop.Cancel();
            }
            lastBusy = await predictions;
            var afterBusy = GcSample.Now();
            lastForgets = [.. completions.Skip(runCompletions).Select(c => c.ReturnedAt)];
            lastStart = runStart;
            if (run < context.WarmupRuns) continue;

            foreach (var call in lastIdle.Concat(lastBusy))
            {
                if (call.Error is not null)
                {
                    failures++;
                    firstFailure ??= $"{call.Error.GetType().Name}: {call.Error.Message}";
                    continue;
                }
                answered++;
                if (IsStale(call, completions)) stale++;
            }
            idleP50.Add(Stats.Percentile(lastIdle.Where(c => c.Error is null).Select(c => c.LatencyMs), 50));
            idleP99.Add(Stats.Percentile(lastIdle.Where(c => c.Error is null).Select(c => c.LatencyMs), 99));
            busyP50.Add(Stats.Percentile(lastBusy.Where(c => c.Error is null).Select(c => c.LatencyMs), 50));
            busyP99.Add(Stats.Percentile(lastBusy.Where(c => c.Error is null).Select(c => c.LatencyMs), 99));
            forgetMs.AddRange(forgetTimes);
            idleGc.Add(afterIdle - before);
            busyGc.Add(afterBusy - afterIdle);
        }

        var caseName = $"{settings.AvailabilityRate:0} predictions/s, S={settings.SisaShards}";
        recorder.Add(new ResultRow
        {
            Case = caseName, Metric = "failed predictions", Value = failures, Unit = "count", Target = "0",
            Verdict = failures == 0 ? Verdict.Pass : Verdict.Miss, Note = firstFailure is null ? null : $"first failure: {firstFailure}",
        });
        recorder.Add(new ResultRow
        {
            Case = caseName, Metric = "stale answers", Value = stale, Unit = "count", Target = "0",
            Verdict = stale == 0 ? Verdict.Pass : Verdict.Miss, Note = $"of {answered:#,0} answered predictions over {context.Runs} runs",
        });
        double idle99 = Stats.Median(idleP99), busy99 = Stats.Median(busyP99);
        recorder.Add(new ResultRow
        {
            Case = caseName, Metric = "p99 latency during forgets", Value = busy99, Unit = "ms", Samples = [.. busyP99],
            Target = "<= 2x idle p99", PeerName = "idle", PeerValue = idle99, Ratio = busy99 / idle99,
            Verdict = busy99 <= 2 * idle99 ? Verdict.Pass : Verdict.Miss,
        });
        recorder.Add(new ResultRow
        {
            Case = caseName, Metric = "p50 latency during forgets", Value = Stats.Median(busyP50), Unit = "ms", Samples = [.. busyP50],
            PeerName = "idle", PeerValue = Stats.Median(idleP50), Ratio = Stats.Median(busyP50) / Stats.Median(idleP50),
        });
        recorder.Add(new ResultRow
        {
            Case = caseName, Metric = "forget latency (median)", Value = Stats.Median(forgetMs), Unit = "ms",
            Note = $"{forgetMs.Count} forgets, p99 {Format.Milliseconds(Stats.Percentile(forgetMs, 99))}, " +
                   $"{settings.ForgetInterval.TotalMilliseconds:0} ms pause after each",
        });

        recorder.Note($"process-wide, per second of each phase (median of runs): idle {GcSample.Describe(idleGc)}; during forgets {GcSample.Describe(busyGc)}");

        double Seconds(long ticks) => (ticks - lastStart) / (double)Stopwatch.Frequency;
        var okIdle = lastIdle.Where(c => c.Error is null).ToArray();
        var okBusy = lastBusy.Where(c => c.Error is null).ToArray();
        recorder.Chart(new ChartSpec
        {
            Name = "timeline",
            Title = "Prediction latency over the last run (dotted lines: a forget returned)",
            Kind = ChartKind.Points,
            LogY = true,
            XLabel = "seconds since the run started",
            YLabel = "latency, ms (log scale)",
            Series =
            [
                new("idle", [.. okIdle.Select(c => Seconds(c.IssuedAt))], [.. okIdle.Select(c => c.LatencyMs)]),
                new("during forgets", [.. okBusy.Select(c => Seconds(c.IssuedAt))], [.. okBusy.Select(c => c.LatencyMs)]),
            ],
            VerticalLines = [.. lastForgets.Select((t, i) => new ChartLine(Seconds(t), i == 0 ? "forget returned" : ""))],
        });
    }

    /// <summary>GC and CPU counters of this process (client and silos alike), to tell CPU contention from GC pauses.</summary>
    internal readonly record struct GcSample(double Seconds, double CpuSeconds, double PauseMs, int Gen0, int Gen1, int Gen2)
    {
        public static GcSample Now() => new(
            Stopwatch.GetTimestamp() / (double)Stopwatch.Frequency,
            Process.GetCurrentProcess().TotalProcessorTime.TotalSeconds,
            GC.GetTotalPauseDuration().TotalMilliseconds,
            GC.CollectionCount(0), GC.CollectionCount(1), GC.CollectionCount(2));

        public static GcSample operator -(GcSample a, GcSample b) =>
            new(a.Seconds - b.Seconds, a.CpuSeconds - b.CpuSeconds, a.PauseMs - b.PauseMs, a.Gen0 - b.Gen0, a.Gen1 - b.Gen1, a.Gen2 - b.Gen2);

        public static string Describe(IReadOnlyList<GcSample> samples)
        {
            double PerSecond(Func<GcSample, double> value) => Stats.Median([.. samples.Select(s => value(s) / s.Seconds)]);
            return $"CPU {PerSecond(s => s.CpuSeconds):0.00} cores busy, GC pauses {PerSecond(s => s.PauseMs):0.0} ms/s, " +
                   $"{PerSecond(s => s.Gen0):0.0} gen0 / {PerSecond(s => s.Gen1):0.0} gen1 / {PerSecond(s => s.Gen2):0.00} gen2 collections/s";
        }
    }

    /// <summary>Whether <paramref name="call"/> used a shard at weights that predate a forget that had returned before it was issued.</summary>
    internal static bool IsStale(Call<PredictionBatch> call, List<(long ReturnedAt, int Shard, long Required)> completions)
    {
        foreach (var used in call.Result!.ShardsUsed)
        {
            long required = 0;
            foreach (var (returnedAt, shard, need) in completions)
            {
                if (returnedAt >= call.IssuedAt) break;
                if (shard == used.Shard) required = need;
            }
            if (used.ForgetsAccepted < required) return true;
        }
        return false;
    }
}
