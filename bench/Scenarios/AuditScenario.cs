using Unlearning.Bench.Infrastructure;
using Unlearning.Bench.Results;
using Unlearning.Client.Verification;
using Unlearning.TestKit;
using static Unlearning.Bench.Scenarios.ClusterOps;

namespace Unlearning.Bench.Scenarios;

/// <summary>Membership-inference attacks on forgotten records, before and after the forget.</summary>
public sealed class AuditScenario : IScenario
{
    private const int Shards = 8, Slices = 4, Retained = 1_000, MaxForgotten = 500, MaxHoldout = 2_000;

    public string Name => "audit";
    public string Id => "8-audit";
    public string Title => "8. Membership inference on forgotten records";
    public string Description =>
        $"What `unlearn verify --forgotten --holdout` measures. A SISA model (S={Shards} R={Slices}) is trained on a data set's " +
        "training split; every tenth training subject (at most 500) is then forgotten. Before and after, two attacks score the " +
        "forgotten records against never-seen holdout records (AUC 0.5: indistinguishable): the loss-threshold attack (Yeom et al. " +
        "2018) on the ensemble, and an offline likelihood-ratio attack (Carlini et al. 2022) on the owning shard, calibrated by the " +
        $"other shards, which never saw the record. The control: {Retained:N0} records the model keeps, against the same holdout. " +
        "A synthetic set with random labels and small shards, which the shards memorise, shows the attacks' power. " +
        "Target after the forget: forgotten-vs-holdout AUC within 0.5 +/- 0.05 (a row outside it whose 95% interval still holds 0.5 " +
        "is marked info: too few forgotten records to tell).";

    public async Task RunAsync(BenchContext context, ScenarioRecorder recorder)
    {
        var sets = new List<Func<Dataset?>> { Memorising, context.Data.Wdbc };
        if (context.Mode != Runner.BenchMode.Smoke)
        {
            foreach (var file in new[] { "breast_biopsy.csv", "nafld_case.csv", "letter.csv" }) sets.Add(() => context.Data.Shared(file));
        }
        await using var cluster = await BenchCluster.StartAsync(StorageKind.Memory, context.Settings.Silos);
        foreach (var load in sets)
        {
            var data = load();
            if (data is null) continue;
            var (train, holdout) = data.Split();
            holdout = holdout.Take(MaxHoldout).ToArray();
            var subjects = train.Select(r => r.Subject).Distinct().ToArray();
            var doomed = subjects.Where((_, i) => i % 10 == 0).Take(MaxForgotten).ToHashSet();
            var forgotten = train.Where(r => doomed.Contains(r.Subject)).ToArray();
            BenchContext.Progress($"{data.Name}: {forgotten.Length} records to forget, {holdout.Length} never seen");

            var built = await BuildAsync(cluster, data, "audit", Shards, Slices, train, context.Settings.IngestBatch);
            var before = await AttackAsync(built.Model, forgotten, holdout);
            foreach (var subject in doomed) await built.Model.Forget(subject);
            var after = await AttackAsync(built.Model, forgotten, holdout);

            foreach (var (b, a) in before.Zip(after))
            {
                var within = Math.Abs(a.ForgottenVsHoldoutAuc - 0.5) <= 0.05;
                // Outside the tolerance but with 0.5 inside the interval, the sample is too small to tell either way.
                var undecided = !within && a.Ci95Low <= 0.5 && a.Ci95High >= 0.5;
                recorder.Add(new ResultRow
                {
                    Case = $"{data.Name} ({data.Shape})", Metric = $"{a.Name}: forgotten vs never seen, after", Value = a.ForgottenVsHoldoutAuc, Unit = "auc",
                    Target = "0.5 +/- 0.05", PeerName = "before the forget", PeerValue = b.ForgottenVsHoldoutAuc,
                    Ratio = a.ForgottenVsHoldoutAuc - b.ForgottenVsHoldoutAuc, RatioUnit = "auc",
                    Verdict = within ? Results.Verdict.Pass : undecided ? Results.Verdict.Info : Results.Verdict.Miss,
                    Note = $"95% interval [{a.Ci95Low:F3}, {a.Ci95High:F3}]; control (retained vs never seen) {a.RetainedVsHoldoutAuc:F3}; " +
                           $"{a.ForgottenCount} forgotten, {a.RetainedCount} retained, {a.HoldoutCount} never seen; {Unlearning.Client.Verification.Verdict.Of(a)}",
                });
            }
            context.Data.Release(Path.GetFileName(data.Source));
        }
    }

    private static async Task<IReadOnlyList<AttackResult>> AttackAsync(IModelGrain model, DataRecord[] forgotten, DataRecord[] holdout)
    {
        var answers = await model.AuditPredictions(Rows(forgotten), Rows(holdout), Retained);
        return MembershipAudit.Run(Records(answers.Forgotten), Records(answers.Retained), Records(answers.Holdout), seed: 1);
    }

    private static AuditRows Rows(DataRecord[] records) =>
        new([.. records.Select(r => r.Features)], [.. records.Select(r => r.Label)], [.. records.Select(r => r.Subject)]);

    private static AuditRecord[] Records(AuditedRow[] rows) => [.. rows.Select(r => new AuditRecord(r.Label, r.Ensemble, r.Shards, r.OwningShard))];

    /// <summary>800 records of 30 random features with random labels: each shard's 100 records are memorised, not learned.</summary>
    private static Dataset Memorising()
    {
        var random = new Random(5);
        var records = Enumerable.Range(0, 1_000).Select(i => new DataRecord($"m{i:0000}", $"m{i:0000}",
            [.. Enumerable.Range(0, 30).Select(_ => random.NextDouble() * 2 - 1)], random.Next(2))).ToArray();
        return new Dataset("random-labels", [.. Enumerable.Range(0, 30).Select(j => $"f{j}")], ["0", "1"], records, "synthetic: random labels, seed 5");
    }
}
