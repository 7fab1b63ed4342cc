using Unlearning.Client.Verification;

namespace Unlearning.Tests.Verification;

public sealed class LikelihoodRatioAttackTests
{
    [Fact]
    public void With_few_references_scores_against_the_spread_pooled_over_records()
    {
        // Record A: owner 0 at logit 2, references 0 and 1 (mean 0.5, squares 0.5).
        // Record B: owner 2 at logit 0, references 1 and 3 (mean 2, squares 2).
        // Pooled variance (0.5 + 2) / (1 + 1) = 1.25, so scores 1.5 / √1.25 and -2 / √1.25.
        AuditRecord[] records = [Record(label: 0, owner: 0, 2, 0, 1), Record(label: 1, owner: 2, 1, 3, 0)];
        var scores = LikelihoodRatioAttack.Scores(records);
        Assert.Equal(1.3416407864998738, scores[0], 9);
        Assert.Equal(-1.7888543819998317, scores[1], 9);
    }

    [Fact]
    public void With_one_reference_scores_the_difference()
    {
        AuditRecord[] records = [Record(0, 1, 0.5, 2), Record(1, 0, -1, 3)];
        var scores = LikelihoodRatioAttack.Scores(records);
        Assert.Equal(1.5, scores[0], 9);
        Assert.Equal(-4, scores[1], 9);
    }

    [Fact]
    public void With_many_references_scores_each_record_against_its_own_spread()
    {
        var shards = LikelihoodRatioAttack.MinReferencesForOwnSpread + 1;
        var random = new Random(8);
        var wide = Enumerable.Range(0, shards).Select(_ => 3 * SyntheticAudit.Normal(random)).ToArray();
        var narrow = Enumerable.Range(0, shards).Select(_ => 0.2 * SyntheticAudit.Normal(random)).ToArray();
        var flat = Enumerable.Repeat(1.0, shards).ToArray();
        wide[0] = 4;
        narrow[0] = 1;
        flat[0] = 2;
        AuditRecord[] records = [Record(0, 0, wide), Record(0, 0, narrow), Record(0, 0, flat)];
        var scores = LikelihoodRatioAttack.Scores(records);

        var (wideMean, wideDeviation) = MeanAndDeviation(wide[1..]);
        var (narrowMean, narrowDeviation) = MeanAndDeviation(narrow[1..]);
        Assert.Equal((4 - wideMean) / wideDeviation, scores[0], 6);
        Assert.Equal((1 - narrowMean) / narrowDeviation, scores[1], 6);
        // References that all agree have no spread of their own: the pooled one stands in.
        var pooled = Math.Sqrt((wideDeviation * wideDeviation + narrowDeviation * narrowDeviation) / 3);
        Assert.Equal((2 - 1) / pooled, scores[2], 6);
    }

    [Fact]
    public void Is_calibrated_per_record_where_the_loss_is_not()
    {
        // Difficulty varies across records far more than membership moves the owner's confidence. The ensemble is
        // the owning shard itself here, so the loss attack sees the undiluted signal: only calibration differs.
        // Expected AUCs: loss Φ(1/√(2·(4 + 0.25))) ≈ 0.63, LiRA Φ(1/√(2·0.25·(1 + 1/7))) ≈ 0.91.
        var model = new SyntheticAudit(Shards: 8, Boost: 1, DifficultySpread: 2, Noise: 0.5, EnsembleIsOwner: true);
        var random = new Random(17);
        var results = MembershipAudit.Run(model.NonMembers(2_000, random), model.Members(2_000, random), model.NonMembers(2_000, random), seed: 1);
        var loss = results.Single(r => r.Name == LossThresholdAttack.Name);
        var lira = results.Single(r => r.Name == LikelihoodRatioAttack.Name);
        Assert.InRange(loss.RetainedVsHoldoutAuc, 0.60, 0.67);
        Assert.InRange(lira.RetainedVsHoldoutAuc, 0.88, 0.94);
        Assert.InRange(lira.ForgottenVsHoldoutAuc, 0.45, 0.55);
    }

    private static AuditRecord Record(int label, int owner, params double[] logits)
    {
        // The ensemble is the shards' average, as served: LiRA must score the owning shard, not it.
        var shards = logits.Select(l => SyntheticAudit.Probabilities(l, label)).ToArray();
        var ensemble = Enumerable.Range(0, shards[0].Length).Select(c => shards.Average(s => s[c])).ToArray();
        return new AuditRecord(label, ensemble, shards, owner);
    }

    private static (double Mean, double Deviation) MeanAndDeviation(double[] values)
    {
        var mean = values.Average();
        return (mean, Math.Sqrt(values.Sum(v => (v - mean) * (v - mean)) / (values.Length - 1)));
    }
}
