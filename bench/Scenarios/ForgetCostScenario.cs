using Unlearning.Bench.Data;
using Unlearning.Bench.Infrastructure;
using Unlearning.Bench.Peers;
using Unlearning.Bench.Results;
using Unlearning.TestKit;
using static Unlearning.Bench.Scenarios.ClusterOps;

namespace Unlearning.Bench.Scenarios;

public sealed class ForgetCostScenario : IScenario
{
    public string Name => "forget";
    public string Id => "1-forget-cost";
    public string Title => "1. Forget cost";
    public string Description =>
        "Wall time, seen by the Orleans client, from sending `Forget` until it returns (the owning shard then serves " +
        "weights retrained without the subject), for one forget and for a batch of forgets sent at once. Every method forgets " +
        "the same subjects, so all retrain on the same remaining records; ML.NET's time is from in-memory rows to a fitted model. " +
        "Certified removal's receipts say whether each forget was a Newton step (`certified`) or, when the step would have " +
        "overrun the shard's budget, an exact retrain (`retrain`, after which the budget resets); the notes list every run's " +
        "receipts, the bound each step spent and the budget left. " +
        "Target: SISA at least S times faster than our full retrain and than ML.NET; certified at least 100 times faster than full retrain. " +
        "The compliance rows forget 1,000 subjects from every model holding them (10 models) as one batch request, against " +
        "1,000 single requests sent one after another: time to the last receipt and to compliance of the last subject.";

    /// <summary>The certified-removal config of <paramref name="data"/>: centred and scaled by its records' mean and population deviation.</summary>
    public static Func<string, ModelConfig> CertifiedConfig(Dataset data, Runner.CertifiedSettings settings)
    {
        var (centres, scales) = FeatureMoments(data.Records, data.FeatureCount);
        return name => data.Config(name, settings.Shards, 1) with
        {
            Lambda = settings.Lambda,
            Method = UnlearningMethod.Certified,
            Certified = new CertifiedOptions(settings.Epsilon, settings.Delta, settings.Sigma, centres, scales, settings.NoiseSeed),
        };
    }

    /// <summary>Per-feature mean and population standard deviation; a constant feature's deviation is 1 (centred, not scaled).</summary>
    public static (double[] Centres, double[] Scales) FeatureMoments(IReadOnlyList<DataRecord> records, int features)
    {
        var sum = new double[features];
        foreach (var record in records)
            for (var j = 0; j < features; j++) sum[j] += record.Features[j];
        var centres = sum.Select(x => x / records.Count).ToArray();
        var squares = new double[features];
        foreach (var record in records)
            for (var j = 0; j < features; j++) squares[j] += (record.Features[j] - centres[j]) * (record.Features[j] - centres[j]);
        var scales = squares.Select(x => Math.Sqrt(x / records.Count)).Select(x => x > 0 ? x : 1.0).ToArray();
        return (centres, scales);
    }

    public async Task RunAsync(BenchContext context, ScenarioRecorder recorder)
    {
        var settings = context.Settings;
        var sets = new List<Dataset>();
        if (settings.ForgetOnLargestRealSet)
        {
            var largest = context.Data.Shared(DataSets.Largest);
            if (largest is not null) sets.Add(largest);
            else recorder.Add(new ResultRow { Case = DataSets.Largest, Metric = "all", Verdict = Verdict.Skipped, Note = "the shared data folder was not found" });
        }
        else
        {
            sets.Add(context.Data.Wdbc());
        }
        BenchContext.Progress($"generating synthetic {settings.SyntheticRows:#,0} x {settings.SyntheticFeatures}");
        sets.Add(SyntheticData.Generate(settings.SyntheticRows, settings.SyntheticFeatures));

        var speedups = new List<(string Category, double VsFull, double VsMlNet, double CertifiedVsFull)>();
        var times = new List<(string Category, double Sisa, double Certified, double Full, double MlNet)>();
        foreach (var data in sets)
        {
            await RunOnAsync(context, recorder, data, speedups, times);
            context.Data.Release(DataSets.Largest);
        }
        await ComplianceBatchRows.RunAsync(context, recorder);

        recorder.Chart(new ChartSpec
        {
            Name = "speedup",
            Title = $"Forget speed-up of SISA (S={settings.SisaShards}, R={settings.SisaSlices}) and certified removal over full retraining",
            Kind = ChartKind.Bars,
            LogY = true,
            YLabel = "peer's time / method's time (median, log scale)",
            Categories = [.. speedups.Select(s => s.Category)],
            Series =
            [
                new("full retrain (S=1, R=1) / SISA", [], [.. speedups.Select(s => s.VsFull)]),
                new("ML.NET retrain / SISA", [], [.. speedups.Select(s => s.VsMlNet)]),
                new($"full retrain / certified S={settings.Certified.Shards}", [], [.. speedups.Select(s => s.CertifiedVsFull)]),
            ],
            HorizontalLines = [new(settings.SisaShards, $"SISA target: {settings.SisaShards}x"), new(CertifiedTarget, $"certified target: {CertifiedTarget}x")],
        });
        recorder.Chart(new ChartSpec
        {
            Name = "times",
            Title = "Forget wall time (median, log scale)",
            Kind = ChartKind.Bars,
            LogY = true,
            YLabel = "ms",
            Categories = [.. times.Select(s => s.Category)],
            Series =
            [
                new($"SISA exact S={settings.SisaShards} R={settings.SisaSlices}", [], [.. times.Select(s => s.Sisa)]),
                new($"certified S={settings.Certified.Shards}", [], [.. times.Select(s => s.Certified)]),
                new("full retrain S=1 R=1", [], [.. times.Select(s => s.Full)]),
                new("ML.NET retrain", [], [.. times.Select(s => s.MlNet)]),
            ],
        });
    }

    /// <summary>Certified removal must be at least this many times faster than a full retrain.</summary>
    public const double CertifiedTarget = 100;

    private static async Task RunOnAsync(BenchContext context, ScenarioRecorder recorder, Dataset data,
        List<(string, double, double, double)> speedups, List<(string, double, double, double, double)> times)
    {
        var settings = context.Settings;
        int shards = settings.SisaShards, slices = settings.SisaSlices;
        await using var cluster = await BenchCluster.StartAsync(StorageKind.Memory, settings.Silos);
        var cert = settings.Certified;
        var certName = $"certified S={cert.Shards}";
        BenchContext.Progress($"{data.Name} ({data.Shape}): building SISA S={shards} R={slices}, full-retrain S=1 R=1 and {certName} models");
        var sisa = await BuildAsync(cluster, data, "forget-sisa", shards, slices, data.Records, settings.IngestBatch);
        var full = await BuildAsync(cluster, data, "forget-full", 1, 1, data.Records, settings.IngestBatch);
        var certifiedConfig = CertifiedConfig(data, cert);
        var certified = await BuildAsync(cluster, certifiedConfig, "forget-certified", data.Records, settings.IngestBatch);
        var budgetTotal = (await certified.Model.GetCertification()).Shards.Select(s => s.Budget?.Total ?? double.NaN).Min();
        var peer = new MlNetPeer(data.FeatureCount, data.ClassCount);
        var mlRows = peer.Prepare(data.Records);
        var removed = new bool[data.Records.Length];
        var remaining = data.Records.Length;
        var initialMlNet = peer.Train(mlRows, mlRows.Length).ElapsedMs;
        recorder.Add(new ResultRow
        {
            Case = $"{data.Name} {data.Shape}", Metric = "initial train, full retrain S=1 R=1", Value = full.TrainMs, Unit = "ms",
            PeerName = "ML.NET", PeerValue = initialMlNet, Ratio = initialMlNet / full.TrainMs,
            Note = $"SISA S={shards} R={slices} initial train: {Format.Milliseconds(sisa.TrainMs)} (every shard and slice checkpoint); " +
                   $"{certName} initial train: {Format.Milliseconds(certified.TrainMs)} (budget per shard {Bound(budgetTotal)}); not a target, context",
        });

        double MlNetRetrain() => peer.Train(Enumerable.Range(0, mlRows.Length).Where(i => !removed[i]).Select(i => mlRows[i]), remaining).ElapsedMs;

        var pool = new SubjectPool(data.Records.Length);
        double oneSisa = double.NaN, oneFull = double.NaN, oneCertified = double.NaN;
        foreach (var (label, size) in new[] { ("one forget", 1), ($"batch of {settings.ForgetBatch}", settings.ForgetBatch) })
        {
            var sisaMs = new List<double>();
            var fullMs = new List<double>();
            var mlnetMs = new List<double>();
            var slicesRetrained = new List<double>();
            var serverMs = new List<double>();
            var shardsTouched = new List<double>();
            var sisaFits = new List<double>();
            var fullFits = new List<double>();
            var certMs = new List<double>();
            var certRuns = new List<string>();
            var exhaustedRuns = new List<string>();
            var runs = size == 1 ? settings.OneForgetRuns : context.Runs;
            BenchContext.Progress($"{data.Name}: {label}, {context.WarmupRuns} warm-up + {runs} runs");
            for (var run = 0; run < context.WarmupRuns + runs; run++)
            {
                // Each forget meets an idle cluster: background work of the last run (the certified shard's next
                // removal basis, which waits for ML.NET's threads to finish) gets time to end first.
                await Task.Delay(SettleTime);
                var subjects = pool.Take(size);
                ForgetReceipt[] receipts = [];
                long sisaBefore = await FitsAsync(sisa.Model), fullBefore = await FitsAsync(full.Model);
                var tSisa = await TimeAsync(async () =>
                    receipts = await Task.WhenAll(subjects.Select(i => sisa.Model.Forget(data.Records[i].Subject))));
                var tFull = await TimeAsync(() => Task.WhenAll(subjects.Select(i => full.Model.Forget(data.Records[i].Subject))));
                ForgetReceipt[] certReceipts = [];
                var spentBefore = await SpentAsync(certified.Model);
                var tCert = await TimeAsync(async () =>
                    certReceipts = await Task.WhenAll(subjects.Select(i => certified.Model.Forget(data.Records[i].Subject))));
                var runName = run < context.WarmupRuns ? $"warm-up {run + 1}" : $"run {run - context.WarmupRuns + 1}";
                var budgetLeft = (await certified.Model.GetCertification()).Shards.Select(s => s.Budget?.Left ?? double.NaN).Min();
                certRuns.Add($"{runName}: {Outcome(certReceipts, spentBefore, await SpentAsync(certified.Model))}, budget left {Bound(budgetLeft)}");
                if (certReceipts.Any(r => r.Method == ForgetMethod.Retrain)) exhaustedRuns.Add(runName);
                foreach (var i in subjects)
                {
                    removed[i] = true;
                    remaining--;
                }
                var tMlNet = MlNetRetrain();
                long sisaAfter = await FitsAsync(sisa.Model), fullAfter = await FitsAsync(full.Model);
                if (run < context.WarmupRuns) continue;
                sisaFits.Add(sisaAfter - sisaBefore);
                fullFits.Add(fullAfter - fullBefore);
                shardsTouched.Add(receipts.Select(r => r.Shard).Distinct().Count());
                sisaMs.Add(tSisa);
                fullMs.Add(tFull);
                certMs.Add(tCert);
                mlnetMs.Add(tMlNet);
                slicesRetrained.Add(receipts.Average(r => r.SlicesRetrained));
                serverMs.Add(receipts.Max(r => r.ElapsedMs));
            }

            double sisaMedian = Stats.Median(sisaMs), fullMedian = Stats.Median(fullMs), mlnetMedian = Stats.Median(mlnetMs);
            var certMedian = Stats.Median(certMs);
            if (size == 1) (oneSisa, oneFull, oneCertified) = (sisaMedian, fullMedian, certMedian);
            var caseName = $"{data.Name}, {label}";
            recorder.Add(new ResultRow
            {
                Case = caseName, Metric = $"SISA exact S={shards} R={slices}", Value = sisaMedian, Unit = "ms", Samples = [.. sisaMs],
                Target = $">= {shards}x faster than full retrain", PeerName = "full retrain S=1 R=1", PeerValue = fullMedian,
                Ratio = fullMedian / sisaMedian, Verdict = fullMedian / sisaMedian >= shards ? Verdict.Pass : Verdict.Miss,
                Note = $"per run (medians): shards touched {Stats.Median(shardsTouched):0.#} of {shards}; slices to retrain per forget " +
                       $"{Stats.Median(slicesRetrained):0.##} of {slices}; checkpoint fits completed {Stats.Median(sisaFits):0.#} (full retrain: " +
                       $"{Stats.Median(fullFits):0.#}); slowest receipt's grain-side time {Format.Milliseconds(Stats.Median(serverMs))}",
            });
            recorder.Add(new ResultRow
            {
                Case = caseName, Metric = $"SISA exact S={shards} R={slices}", Value = sisaMedian, Unit = "ms", Samples = [.. sisaMs],
                Target = $">= {shards}x faster than ML.NET", PeerName = "ML.NET retrain", PeerValue = mlnetMedian,
                Ratio = mlnetMedian / sisaMedian, Verdict = mlnetMedian / sisaMedian >= shards ? Verdict.Pass : Verdict.Miss,
            });
            recorder.Add(new ResultRow
            {
                Case = caseName, Metric = $"certified removal S={cert.Shards}", Value = certMedian, Unit = "ms", Samples = [.. certMs],
                Target = $">= {CertifiedTarget:0}x faster than full retrain", PeerName = "full retrain S=1 R=1", PeerValue = fullMedian,
                Ratio = fullMedian / certMedian, Verdict = fullMedian / certMedian >= CertifiedTarget ? Verdict.Pass : Verdict.Miss,
                Note = $"receipts per run (budget per shard {Bound(budgetTotal)}): {string.Join("; ", certRuns)}",
            });
            if (exhaustedRuns.Count > 0)
            {
                recorder.Note($"{caseName}: certified removal's budget ran out {(size == 1 ? "at" : "within the batch in")} " +
                              $"{string.Join(", ", exhaustedRuns)}: the shard retrained exactly instead of taking the Newton step " +
                              "(receipt method \"retrain\") and its budget reset; those figures are exact retrains, not Newton steps.");
            }
            recorder.Add(new ResultRow
            {
                Case = caseName, Metric = "full retrain S=1 R=1", Value = fullMedian, Unit = "ms", Samples = [.. fullMs],
                PeerName = "ML.NET retrain", PeerValue = mlnetMedian, Ratio = mlnetMedian / fullMedian,
                Note = $"ML.NET runs: {string.Join(", ", mlnetMs.Select(Format.Milliseconds))}",
            });
            var category = $"{data.Name[..Math.Min(data.Name.Length, 18)]}, {(size == 1 ? "1" : size.ToString(System.Globalization.CultureInfo.InvariantCulture))}";
            speedups.Add((category, fullMedian / sisaMedian, mlnetMedian / sisaMedian, fullMedian / certMedian));
            times.Add((category, sisaMedian, certMedian, fullMedian, mlnetMedian));
        }

        // What certified removal's noise, regularisation and transform cost in accuracy, on records the models hold.
        var rest = data.Records.Where((_, i) => !removed[i]).ToArray();
        var sample = rest[..Math.Min(rest.Length, AccuracySample)];
        double certAccuracy = await AccuracyAsync(certified.Model, sample, data.FeatureCount), fullAccuracy = await AccuracyAsync(full.Model, sample, data.FeatureCount);
        recorder.Add(new ResultRow
        {
            Case = $"{data.Name}, after the forgets", Metric = $"{certName}, training accuracy", Value = certAccuracy, Unit = "acc",
            PeerName = "full retrain S=1 R=1", PeerValue = fullAccuracy, Ratio = certAccuracy - fullAccuracy, RatioUnit = "pts",
            Note = $"on the first {sample.Length:#,0} remaining records (both models trained on them): what certified removal's " +
                   $"lambda {cert.Lambda}, noise (sigma {cert.Sigma}) and unit-ball transform cost, not a holdout figure",
        });

        // Where one forget's time goes: the same fits in this process, without the cluster.
        BenchContext.Progress($"{data.Name}: learner-only fits (no cluster) on the remaining rows");
        var fullFit = new List<double>();
        var shardFits = new List<LearnerProbe.ShardFits>();
        var certifiedFits = new List<LearnerProbe.CertifiedFits>();
        var certifiedProbeConfig = certifiedConfig("probe");
        for (var run = 0; run < context.WarmupRuns + context.Runs; run++)
        {
            var f = LearnerProbe.FullFitMs(data, rest);
            var s = LearnerProbe.Shard(data, rest, shards, slices);
            var c = LearnerProbe.Certified(data, rest, certifiedProbeConfig);
            if (run < context.WarmupRuns) continue;
            fullFit.Add(f);
            shardFits.Add(s);
            certifiedFits.Add(c);
        }
        double fullFitMs = Stats.Median(fullFit), expectedMs = Stats.Median([.. shardFits.Select(s => s.ExpectedSlicedMs)]);
        double oneFitMs = Stats.Median([.. shardFits.Select(s => s.OneFitMs)]);
        var probeCase = $"{data.Name}, learner only (no cluster)";
        recorder.Add(new ResultRow
        {
            Case = probeCase, Metric = "full fit, all remaining rows", Value = fullFitMs, Unit = "ms", Samples = [.. fullFit],
            PeerName = "full-retrain forget", PeerValue = oneFull, Ratio = fullFitMs / oneFull, RatioUnit = "%",
            Note = "ratio: the share of a full-retrain forget's wall time that is the fit itself",
        });
        recorder.Add(new ResultRow
        {
            Case = probeCase, Metric = $"one shard, checkpoints r..{slices - 1} (mean over r)", Value = expectedMs, Unit = "ms",
            PeerName = "SISA forget", PeerValue = oneSisa, Ratio = expectedMs / oneSisa, RatioUnit = "%",
            Note = $"shard 0 of {shards}; prefix fits, each warm-started from the one before: " +
                   $"{string.Join(" + ", shardFits[^1].PrefixMs.Select(Format.Milliseconds))}; ratio: share of a SISA forget's wall time",
        });
        recorder.Add(new ResultRow
        {
            Case = probeCase, Metric = "one shard, final weights in one fit", Value = oneFitMs, Unit = "ms",
            PeerName = "full fit", PeerValue = fullFitMs, Ratio = fullFitMs / oneFitMs,
            Note = "what the critical path of a forget would fit if the shard served its final weights first and recomputed " +
                   "intermediate checkpoints afterwards; ratio: the speed-up over a full fit that leaves",
        });
        double stepMs = Stats.Median([.. certifiedFits.Select(c => c.StepMs)]), certFitMs = Stats.Median([.. certifiedFits.Select(c => c.FitMs)]);
        var basisMs = Stats.Median([.. certifiedFits.Select(c => c.BasisMs)]);
        recorder.Add(new ResultRow
        {
            Case = probeCase, Metric = "certified: Newton step removing one record", Value = stepMs, Unit = "ms",
            Samples = [.. certifiedFits.Select(c => c.StepMs)],
            PeerName = "certified forget", PeerValue = oneCertified, Ratio = stepMs / oneCertified, RatioUnit = "%",
            Note = $"all {rest.Length:#,0} remaining rows in one shard, from the model's removal basis: per binary model the removed " +
                   $"row's terms subtracted from the cached Hessian and Gram sums of the {data.FeatureCount + 1}-column data and a " +
                   $"Cholesky solve (O(k d^2 + d^3)); bound {Bound(certifiedFits[^1].StepBound)}. The basis itself (O(n d^2), computed in " +
                   $"the background once a model is accepted) took {Format.Milliseconds(basisMs)}; the certified fit on the same rows " +
                   $"(what a forget falls back to when the budget runs out) took {Format.Milliseconds(certFitMs)}; ratio: share of a " +
                   $"certified forget's wall time",
        });
    }

    /// <summary>Records the accuracy rows evaluate on (training records: both models hold them).</summary>
    private const int AccuracySample = 20_000;

    private static string Bound(double value) =>
        double.IsNaN(value) ? "-" : value.ToString(value is >= 1e-3 and < 1e3 ? "0.####" : "0.##e+0", System.Globalization.CultureInfo.InvariantCulture);

    /// <summary>Each shard's budget spent so far (receipts do not carry it: it is a function of the removed rows).</summary>
    private static async Task<double[]> SpentAsync(IModelGrain model) =>
        [.. (await model.GetCertification()).Shards.Select(s => s.Budget?.Spent ?? double.NaN)];

    /// <summary>A run's receipts by shard step (receipts of one step share shard and version): method, and the bound the step spent.</summary>
    private static string Outcome(ForgetReceipt[] receipts, double[] spentBefore, double[] spentAfter)
    {
        var steps = receipts.GroupBy(r => (r.Shard, r.VersionAfter)).OrderBy(g => g.Key.VersionAfter)
            .Select(g => $"{(g.Count() == 1 ? "" : $"{g.Count()} x ")}{WireNames.Of(g.First().Method)}" +
                         (g.First().Method == ForgetMethod.Retrain ? " (budget reset)" : $" (spent {Bound(spentAfter[g.Key.Shard] - spentBefore[g.Key.Shard])})"))
            .ToArray();
        return receipts.Length == 1 ? steps[0]
            : $"{receipts.Count(r => r.Method == ForgetMethod.Certified)} certified, {receipts.Count(r => r.Method == ForgetMethod.Retrain)} retrain " +
              $"in {steps.Length} shard step(s): {string.Join(", ", steps)}";
    }
}
