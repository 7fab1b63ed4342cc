using System.Globalization;
using Unlearning.Bench.Infrastructure;
using Unlearning.Bench.Results;
using Unlearning.Learning;
using Unlearning.Removal;
using Unlearning.TestKit;
using static Unlearning.Bench.Scenarios.ClusterOps;

namespace Unlearning.Bench.Scenarios;

/// <summary>
/// Certified removal with its defaults (README "Three ways to forget"): models created with only epsilon, delta and the
/// removals asked for, calibrated at their first train; how many single-record removals a shard absorbs before its first
/// exact retrain, and what the calibrated noise costs in accuracy against the exact model.
/// </summary>
public sealed class CertifiedCalibrationScenario : IScenario
{
    public string Name => "certified";
    public string Id => "7-certified-calibration";
    public string Title => "7. Certified removal with calibrated defaults";
    public string Description =>
        "Each data set gets a certified model created as `create --unlearning certified --epsilon E --delta D --removals N` " +
        "(no sigma, no lambda: the first train calibrates both, see README \"Three ways to forget\") and, on the same shards, " +
        "the exact SISA model with the default lambda. Both train on the tests' 80% split; accuracy is on the 20% holdout. " +
        "Then single-record subjects of shard 0 are forgotten one at a time until a receipt says `retrain` (the step would " +
        "have overrun the budget) or the cap is reached; the holdout accuracy and the budget spent are recorded along the way. " +
        "Where the cap stops the run first, the removals absorbed are a lower bound, and the projection adds the removals " +
        "`status --budgets` estimates are left (budget left / mean bound of the steps taken). " +
        "Targets: at least N removals absorbed per shard; certified accuracy within 1 point of the exact model.";

    public async Task RunAsync(BenchContext context, ScenarioRecorder recorder)
    {
        var settings = context.Settings.Calibrated;
        var curves = new List<ChartSeries>();
        var spending = new List<ChartSeries>();
        // UNLEARNING_BENCH_SETS (comma-separated file-name prefixes, "wdbc" for the repository's set) runs some of them only.
        var only = Environment.GetEnvironmentVariable("UNLEARNING_BENCH_SETS")?.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        foreach (var target in settings.Sets)
        {
            if (only is { Length: > 0 } && !only.Any(prefix => (target.File ?? "wdbc").StartsWith(prefix, StringComparison.OrdinalIgnoreCase)))
            {
                recorder.Note($"{target.File ?? "wdbc"}: not run (UNLEARNING_BENCH_SETS={string.Join(',', only)})");
                continue;
            }

            var data = target.File is null ? context.Data.Wdbc() : context.Data.Shared(target.File);
            if (data is null)
            {
                recorder.Add(new ResultRow { Case = target.File!, Metric = "all", Verdict = Verdict.Skipped, Note = "the shared data folder or the file was not found" });
                continue;
            }
            var subsampled = target.Rows is { } rows && rows < data.Records.Length;
            if (subsampled) data = data.Take(target.Rows!.Value, $"{data.Name}[first {target.Rows:#,0}]");
            var (curve, spent) = await RunOnAsync(context, recorder, data, target, subsampled);
            curves.Add(curve);
            spending.Add(spent);
            if (target.File is not null) context.Data.Release(target.File);
        }
        recorder.Chart(new ChartSpec
        {
            Name = "accuracy",
            Title = $"Calibrated for {settings.Removals:#,0} removals per shard: accuracy minus the exact model's",
            Kind = ChartKind.Lines,
            XLabel = "single-record removals from shard 0",
            YLabel = "accuracy - exact model's (points)",
            Series = curves,
            HorizontalLines = [new(-1, "target: within 1 point")],
            VerticalLines = [new(settings.Removals, $"{settings.Removals:#,0} removals asked for")],
        });
        recorder.Chart(new ChartSpec
        {
            Name = "budget",
            Title = "Share of shard 0's budget spent as it forgets",
            Kind = ChartKind.Lines,
            XLabel = "single-record removals from shard 0",
            YLabel = "spent / budget",
            Series = spending,
            HorizontalLines = [new(1, "budget")],
            VerticalLines = [new(settings.Removals, $"{settings.Removals:#,0} removals asked for")],
        });
    }

    private static async Task<(ChartSeries Accuracy, ChartSeries Spent)> RunOnAsync(BenchContext context, ScenarioRecorder recorder, Dataset data,
        CalibratedSet target, bool subsampled)
    {
        var settings = context.Settings.Calibrated;
        var (train, holdout) = data.Split();
        var caseName = $"{data.Name} {train.Length:#,0} x {data.FeatureCount} train, S={target.Shards}";
        if (subsampled) recorder.Note($"{data.Name}: a subsample (the file's first {target.Rows:#,0} rows); --full uses more.");
        await using var cluster = await BenchCluster.StartAsync(StorageKind.Memory, context.Settings.Silos);
        var (centres, scales) = ForgetCostScenario.FeatureMoments(train, data.FeatureCount);
        BenchContext.Progress($"{caseName}: calibrating and training the certified model (N={settings.Removals:#,0})");
        var certified = await BuildAsync(cluster, name => data.Config(name, target.Shards, 1) with
        {
            Lambda = 0,
            Method = UnlearningMethod.Certified,
            Certified = new CertifiedOptions(settings.Epsilon, settings.Delta, 0, centres, scales, Removals: settings.Removals, ChooseLambda: true),
        }, "certified-calibrated", train, context.Settings.IngestBatch);
        var config = await certified.Model.GetConfig();
        var calibration = config.Certified!.Calibration!;
        BenchContext.Progress($"{caseName}: sigma {config.Certified.Sigma}, lambda {config.Lambda}; training the exact model");
        var exact = await BuildAsync(cluster, data, "exact", target.Shards, 1, train, context.Settings.IngestBatch);
        var exactAccuracy = await AccuracyAsync(exact.Model, holdout, data.FeatureCount);
        var startAccuracy = await AccuracyAsync(certified.Model, holdout, data.FeatureCount);
        var candidates = string.Join("; ", calibration.Candidates.Select(c =>
            $"lambda {Number(c.Lambda)}: sigma {Number(c.Sigma)}, {Percent(c.HeldOutAccuracy)} (exact {Percent(c.ExactHeldOutAccuracy)}){(c.Settled ? "" : ", not settled")}"));
        recorder.Add(new ResultRow
        {
            Case = caseName, Metric = "calibration: sigma and lambda chosen", Value = config.Certified.Sigma, Unit = "sigma",
            Note = $"lambda {Number(config.Lambda)}; first train (calibration included) {Format.Milliseconds(certified.TrainMs)}, exact model's " +
                   $"{Format.Milliseconds(exact.TrainMs)}; expected bound per removal {Number(calibration.StepBound)}, budget " +
                   $"{Number(config.Certified.Sigma * settings.Epsilon / Math.Sqrt(2 * Math.Log(1.5 / settings.Delta)))}; the calibration's own " +
                   $"estimate on {calibration.HeldOutRows:#,0} held-out training rows: {Percent(calibration.HeldOutAccuracy)} vs " +
                   $"{Percent(calibration.ExactHeldOutAccuracy)} exact (same lambda); candidates: {candidates}",
        });
        recorder.Add(new ResultRow
        {
            Case = caseName, Metric = "holdout accuracy, certified (calibrated)", Value = startAccuracy, Unit = "acc",
            Target = "within 1 point of exact", PeerName = $"exact SISA S={target.Shards}, lambda {Number(ModelConfig.DefaultLambda)}",
            PeerValue = exactAccuracy, Ratio = startAccuracy - exactAccuracy, RatioUnit = "pts",
            Verdict = startAccuracy >= exactAccuracy - 0.01 ? Verdict.Pass : Verdict.Miss,
            Note = $"{holdout.Length:#,0} holdout rows, before any removal",
        });

        // Shard 0's single-record subjects, in a fixed pseudo-random order.
        var shardZero = train.Where(r => Partitioning.ShardOf(r.Subject, target.Shards) == 0).ToArray();
        var pool = new SubjectPool(shardZero.Length);
        var xs = new List<double> { 0 };
        var accuracy = new List<double> { 100 * (startAccuracy - exactAccuracy) };
        var spent = new List<double> { 0 };
        var absorbed = 0;
        var retrained = false;
        var budget = (await certified.Model.GetCertification()).Shards[0].Budget!;
        var stopwatch = System.Diagnostics.Stopwatch.StartNew();
        var cap = Math.Min(target.RemovalCap, shardZero.Length - 1);
        BenchContext.Progress($"{caseName}: forgetting shard 0's subjects one at a time (cap {cap:#,0})");
        while (absorbed < cap && stopwatch.Elapsed < target.TimeCap)
        {
            var receipt = await certified.Model.Forget(shardZero[pool.Next()].Subject);
            if (receipt.Method == ForgetMethod.Retrain)
            {
                retrained = true;
                break;
            }
            absorbed++;
            if (absorbed % target.Every == 0 || absorbed == cap)
            {
                var shard = (await certified.Model.GetCertification()).Shards[0];
                xs.Add(absorbed);
                spent.Add(shard.Budget!.Spent / shard.Budget.Total);
                accuracy.Add(100 * (await AccuracyAsync(certified.Model, holdout, data.FeatureCount) - exactAccuracy));
            }
        }
        var last = (await certified.Model.GetCertification()).Shards[0];
        var endAccuracy = await AccuracyAsync(certified.Model, holdout, data.FeatureCount);
        var perRemoval = absorbed > 0 ? stopwatch.Elapsed.TotalMilliseconds / (absorbed + (retrained ? 1 : 0)) : double.NaN;
        if (retrained)
        {
            recorder.Add(new ResultRow
            {
                Case = caseName, Metric = "removals absorbed by shard 0 before its first retrain", Value = absorbed, Unit = "count",
                Target = $">= {settings.Removals:#,0}", Ratio = (double)absorbed / settings.Removals, Verdict = absorbed >= settings.Removals ? Verdict.Pass : Verdict.Miss,
                Note = $"removal {absorbed + 1} would have overrun the budget ({Number(budget.Total)}) and retrained; {Format.Milliseconds(perRemoval)} per forget; " +
                       $"shard 0 held {shardZero.Length:#,0} records",
            });
        }
        else
        {
            var projected = absorbed + (last.RemovalsLeft ?? 0);
            recorder.Add(new ResultRow
            {
                Case = caseName, Metric = $"removals absorbed by shard 0, no retrain yet (stopped at the {(absorbed >= cap ? "cap" : "time cap")})",
                Value = absorbed, Unit = "count", Target = $">= {settings.Removals:#,0}", Ratio = (double)projected / settings.Removals,
                Verdict = projected >= settings.Removals ? Verdict.Pass : Verdict.Miss,
                Note = $"projected: {projected:#,0} ({absorbed:#,0} made + {last.RemovalsLeft:#,0} left at {Number(last.StepBound ?? double.NaN)} per removal, " +
                       $"as status --budgets estimates from {(absorbed >= RemovalProjection.ObservedSteps ? "the shard's own steps" : "the calibration's rates")}); spent {Number(last.Budget!.Spent)} of {Number(last.Budget.Total)}; {Format.Milliseconds(perRemoval)} per forget",
            });
        }
        recorder.Add(new ResultRow
        {
            Case = caseName, Metric = $"holdout accuracy after {absorbed:#,0} removals", Value = endAccuracy, Unit = "acc",
            Target = "within 1 point of exact", PeerName = "exact model (before the removals)", PeerValue = exactAccuracy,
            Ratio = endAccuracy - exactAccuracy, RatioUnit = "pts", Verdict = endAccuracy >= exactAccuracy - 0.01 ? Verdict.Pass : Verdict.Miss,
        });
        var label = data.Name.Length > 24 ? data.Name[..24] : data.Name;
        return (new ChartSeries(label, [.. xs], [.. accuracy]), new ChartSeries(label, [.. xs], [.. spent]));
    }

    private static string Number(double value) => value.ToString("G3", CultureInfo.InvariantCulture);

    private static string Percent(double value) => (100 * value).ToString("0.00", CultureInfo.InvariantCulture) + "%";
}

/// <summary>A data set of scenario 7: the shared file (null: the repository's wdbc), rows kept, shards, and when to stop forgetting.</summary>
public sealed record CalibratedSet(string? File, int? Rows, int Shards, int RemovalCap, TimeSpan TimeCap, int Every);

/// <summary>Scenario 7's settings: the guarantee, the removals asked for, and the data sets.</summary>
public sealed record CalibratedSettings(double Epsilon, double Delta, int Removals, CalibratedSet[] Sets);
