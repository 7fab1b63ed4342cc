using System.Diagnostics;
using Unlearning.Bench.Infrastructure;
using Unlearning.Bench.Results;
using static Unlearning.Bench.Scenarios.ClusterOps;
using static Unlearning.Bench.Scenarios.LoadGenerator;

namespace Unlearning.Bench.Scenarios;

/// <summary>
/// Scenario 9's cluster case under load: the targets of scenarios 2 (serving), 3 (availability during forgets) and 10 (a
/// batch of forgets against a full train) re-measured on the large model spread over several silos, where a forget's
/// refits take hundreds of milliseconds of the cores the predictions share.
/// </summary>
internal static class ScaleUnderLoad
{
    /// <summary>
    /// Single-row predictions through the read replica against a no-op call on the model grain's silo, closed loop, the
    /// workloads alternating every other run backwards as scenario 2 runs them.
    /// </summary>
    public static async Task AddServingAsync(BenchContext context, ScenarioRecorder recorder, string caseName, BenchCluster cluster,
        Built built, double[][][] rows)
    {
        var settings = context.Settings;
        var reader = cluster.Client.GetGrain<IModelReader>(built.Name);
        var localPing = cluster.Client.GetGrain<ILocalPingGrain>(0);
        var (ping, beside) = await cluster.PingBesideAsync(built.Model);
        var workloads = new (string Name, Func<int, int, Task> Call)[]
        {
            ("predict", (c, i) => reader.Predict(rows[(c * 7919 + i) % rows.Length])),
            ("ping", (_, i) => ping.Ping(i)),
            ("local ping", (_, i) => localPing.Ping(i)),
        };
        var results = workloads.ToDictionary(w => w.Name, _ => new List<ClosedLoopResult>());
        var warmup = TimeSpan.FromSeconds(Math.Min(1, settings.ServingDuration.TotalSeconds));
        BenchContext.Progress($"{caseName}: serving, {context.WarmupRuns} warm-up + {context.Runs} runs of {workloads.Length} workloads");
        for (var run = 0; run < context.WarmupRuns + context.Runs; run++)
        {
            foreach (var (name, call) in run % 2 == 0 ? workloads : Enumerable.Reverse(workloads))
            {
                GC.Collect();
                GC.WaitForPendingFinalizers();
                var result = await ClosedLoopAsync(settings.ServingCallers, run < context.WarmupRuns ? warmup : settings.ServingDuration, call);
                if (run >= context.WarmupRuns) results[name].Add(result);
            }
        }

        double Rate(string name) => Stats.Median([.. results[name].Select(r => r.Rate)]);
        double Percentile(string name, Func<ClosedLoopResult, double> of) => Stats.Median([.. results[name].Select(of)]);
        double predictRate = Rate("predict"), pingRate = Rate("ping");
        recorder.Add(new ResultRow
        {
            Case = caseName, Metric = $"Predict 1 row, {settings.ServingCallers} callers", Value = predictRate, Unit = "calls/s",
            Samples = [.. results["predict"].Select(r => r.Rate)], Target = ">= 70% of the no-op rate", PeerName = "no-op Ping",
            PeerValue = pingRate, Ratio = predictRate / pingRate, RatioUnit = "%", Verdict = predictRate / pingRate >= 0.70 ? Verdict.Pass : Verdict.Miss,
            Note = $"IModelReader (the replica of the silo the call arrives at); p50 {Format.Milliseconds(Percentile("predict", r => r.P50))}, " +
                   $"p99 {Format.Milliseconds(Percentile("predict", r => r.P99))}; no-op stateless Ping {Rate("local ping"):#,0} calls/s; " +
                   (beside ? "no-op Ping on the model grain's silo" : "no-op Ping on another silo than the model grain's"),
        });
    }

    /// <summary>
    /// Open-loop single-row predictions, first with the model idle, then while <paramref name="subjects"/> are forgotten one
    /// after another (scenario 3's settings); one run, as the model is too large to rebuild for more. Targets as scenario 3:
    /// no failures, no stale answers, p99 during forgets at most 2x idle.
    /// </summary>
    public static async Task AddAvailabilityAsync(BenchContext context, ScenarioRecorder recorder, string caseName, BenchCluster cluster,
        Built built, double[][][] rows, IReadOnlyList<string> subjects)
    {
        var settings = context.Settings;
        var reader = cluster.Client.GetGrain<IModelReader>(built.Name);
        BenchContext.Progress($"{caseName}: {settings.AvailabilityRate:0} predictions/s, {settings.AvailabilityIdle.TotalSeconds:0.#} s idle, then {subjects.Count} forgets");
        var before = AvailabilityScenario.GcSample.Now();
        IReadOnlyList<Call<PredictionBatch>> idle;
        using (var idleStop = new CancellationTokenSource(settings.AvailabilityIdle))
        {
            idle = await OpenLoopAsync(settings.AvailabilityRate, idleStop.Token, k => reader.Predict(rows[k * 31 % rows.Length]));
        }

        // Forgets each shard had accepted before this phase (each subject here owns one record, so every forget removes one).
        var afterIdle = AvailabilityScenario.GcSample.Now();
        var accepted = (await built.Model.GetStatus()).Shards.OrderBy(s => s.Index).Select(s => s.ForgetsAccepted).ToArray();
        var completions = new List<(long ReturnedAt, int Shard, long Required)>();
        var forgetMs = new List<double>();
        IReadOnlyList<Call<PredictionBatch>> busy;
        using (var busyStop = new CancellationTokenSource())
        {
            var predictions = OpenLoopAsync(settings.AvailabilityRate, busyStop.Token, k => reader.Predict(rows[k * 17 % rows.Length]));
            try
            {
                foreach (var subject in subjects)
                {
                    var sent = Stopwatch.GetTimestamp();
                    var receipt = await built.Model.Forget(subject);
                    var returnedAt = Stopwatch.GetTimestamp();
                    forgetMs.Add(Stopwatch.GetElapsedTime(sent, returnedAt).TotalMilliseconds);
                    if (receipt.RecordsRemoved > 0) completions.Add((returnedAt, receipt.Shard, ++accepted[receipt.Shard]));
                    await Task.Delay(settings.ForgetInterval);
                }
            }
            finally
            {
                busyStop.Cancel();
            }
            busy = await predictions;
        }
        var afterBusy = AvailabilityScenario.GcSample.Now();

        var calls = idle.Concat(busy).ToArray();
        var failed = calls.Where(c => c.Error is not null).ToArray();
        var stale = calls.Count(c => c.Error is null && AvailabilityScenario.IsStale(c, completions));
        recorder.Add(new ResultRow
        {
            Case = caseName, Metric = "failed predictions during forgets", Value = failed.Length, Unit = "count", Target = "0",
            Verdict = failed.Length == 0 ? Verdict.Pass : Verdict.Miss,
            Note = failed.Length == 0 ? null : $"first failure: {failed[0].Error!.GetType().Name}: {failed[0].Error!.Message}",
        });
        recorder.Add(new ResultRow
        {
            Case = caseName, Metric = "stale answers during forgets", Value = stale, Unit = "count", Target = "0",
            Verdict = stale == 0 ? Verdict.Pass : Verdict.Miss, Note = $"of {calls.Length - failed.Length:#,0} answered predictions",
        });
        double P(IEnumerable<Call<PredictionBatch>> of, double percentile) =>
            Stats.Percentile(of.Where(c => c.Error is null).Select(c => c.LatencyMs), percentile);
        double idle99 = P(idle, 99), busy99 = P(busy, 99);
        recorder.Add(new ResultRow
        {
            Case = caseName, Metric = "prediction p99 during forgets", Value = busy99, Unit = "ms", Target = "<= 2x idle p99",
            PeerName = "idle", PeerValue = idle99, Ratio = busy99 / idle99, Verdict = busy99 <= 2 * idle99 ? Verdict.Pass : Verdict.Miss,
            Note = $"{settings.AvailabilityRate:0} single-row predictions/s through IModelReader; p50 {Format.Milliseconds(P(busy, 50))} " +
                   $"(idle {Format.Milliseconds(P(idle, 50))}); {subjects.Count} forgets, {settings.ForgetInterval.TotalMilliseconds:0} ms apart, " +
                   $"each {Format.Milliseconds(Stats.Median(forgetMs))} (median), p99 {Format.Milliseconds(Stats.Percentile(forgetMs, 99))}; one run; " +
                   $"process-wide per second: idle {AvailabilityScenario.GcSample.Describe([afterIdle - before])}; " +
                   $"during forgets {AvailabilityScenario.GcSample.Describe([afterBusy - afterIdle])}",
        });
    }

    /// <summary>
    /// <paramref name="subjects"/> forgotten together against the build's own train: scenario 10's target, a batch never
    /// slower than one full retrain. Sent as one call per subject all at once (as many clients would), or as one stored
    /// forget request (as a platform erasing many subjects would: each shard gets its subjects in one call).
    /// </summary>
    public static async Task AddBatchAsync(ScenarioRecorder recorder, string caseName, BenchCluster cluster, Built built,
        IReadOnlyList<string> subjects, bool oneRequest)
    {
        var how = oneRequest ? "in one request" : "as calls sent together";
        BenchContext.Progress($"{caseName}: a batch of {subjects.Count} forgets {how}");
        await Task.Delay(SettleTime);
        var fitsBefore = await FitsAsync(built.Model);
        var returned = new double[subjects.Count];
        var sent = Stopwatch.GetTimestamp();
        ForgetReceipt[] receipts = [];
        var ms = await TimeAsync(async () => receipts = oneRequest
            ? await RequestAsync(cluster, built, subjects)
            : await Task.WhenAll(subjects.Select(async (subject, i) =>
            {
                var receipt = await built.Model.Forget(subject);
                returned[i] = Stopwatch.GetElapsedTime(sent).TotalMilliseconds;
                return receipt;
            })));
        var clean = receipts.Select(r => (double)r.ElapsedMs).Order().ToArray();
        var fits = await FitsAsync(built.Model) - fitsBefore;
        Array.Sort(returned);
        var arrivals = oneRequest ? "" : $"receipts returned from {Format.Milliseconds(returned[0])} to {Format.Milliseconds(returned[^1])} " +
            $"(median {Format.Milliseconds(Stats.Median(returned))}); ";
        recorder.Add(new ResultRow
        {
            Case = caseName, Metric = $"a batch of {subjects.Count} forgets {how}", Value = ms, Unit = "ms", Target = "not slower than the full train",
            PeerName = "full train", PeerValue = built.TrainMs, Ratio = built.TrainMs / ms, RatioUnit = "x",
            Verdict = ms <= built.TrainMs ? Verdict.Pass : Verdict.Miss,
            Note = $"shards touched {receipts.Select(r => r.Shard).Distinct().Count()}; slices to refit per forget " +
                   $"{receipts.Average(r => r.SlicesRetrained):0.00}; checkpoint fits completed {fits}; {arrivals}" +
                   $"each subject gone from the weights served (the receipt's time) after {Format.Milliseconds(clean[0])} to " +
                   $"{Format.Milliseconds(clean[^1])}; the full train is the build's own train (S=16 R=2: the same fits a batch " +
                   "that reaches every shard's first slice redoes)",
        });
    }

    private static async Task<ForgetReceipt[]> RequestAsync(BenchCluster cluster, Built built, IReadOnlyList<string> subjects)
    {
        var request = cluster.Client.GetGrain<IForgetRequestGrain>($"bench-{Guid.NewGuid():N}");
        var forgotten = await request.Submit(new ForgetOrder(built.Name, [.. subjects]));
        return [.. forgotten.Select(subject => subject.Receipts.Single())];
    }
}
