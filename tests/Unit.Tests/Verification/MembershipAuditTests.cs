using Unlearning.Client.Verification;

namespace Unlearning.Tests.Verification;

public sealed class MembershipAuditTests
{
    // The served ensemble averages four shards; a member raises only its owner's confidence. The ensemble dilutes
    // that: a simulation of this model (in Python, 100,000 + 100,000 records) puts the loss attack's AUC on
    // members at 0.61, while LiRA, which attacks the owner against its peers, should separate them almost fully.
    private static readonly SyntheticAudit Model = new(Shards: 4, Boost: 3, DifficultySpread: 1, Noise: 0.3);
    private const double LossAucOnMembers = 0.61;

    [Fact]
    public void After_a_clean_forget_both_attacks_see_forgotten_records_as_never_seen_and_retained_ones_as_members()
    {
        var random = new Random(31);
        var results = MembershipAudit.Run(Model.NonMembers(1_500, random), Model.Members(1_500, random), Model.NonMembers(1_500, random), seed: 7);

        Assert.Equal([LossThresholdAttack.Name, LikelihoodRatioAttack.Name], results.Select(r => r.Name));
        foreach (var result in results)
        {
            Assert.InRange(result.ForgottenVsHoldoutAuc, 0.46, 0.54);
            Assert.InRange(0.5, result.Ci95Low, result.Ci95High);
            Assert.InRange(result.ForgottenVsHoldoutAuc, result.Ci95Low, result.Ci95High);
            Assert.Equal((1_500, 1_500, 1_500), (result.ForgottenCount, result.RetainedCount, result.HoldoutCount));
            Assert.Equal(VerdictKind.Indistinguishable, Verdict.Classify(result));
        }
        Assert.InRange(results[0].RetainedVsHoldoutAuc, LossAucOnMembers - 0.04, LossAucOnMembers + 0.04);
        Assert.InRange(results[1].RetainedVsHoldoutAuc, 0.95, 1);
        Assert.StartsWith("lira-offline: forgotten records are indistinguishable", Verdict.Summarize(results));
    }

    [Fact]
    public void A_forget_that_left_the_records_in_is_caught()
    {
        // "Forgotten" records the owning shard still trained on.
        var random = new Random(32);
        var results = MembershipAudit.Run(Model.Members(600, random), Model.Members(1_000, random), Model.NonMembers(1_000, random), seed: 7);
        Assert.All(results, r => Assert.Equal(VerdictKind.Distinguishable, Verdict.Classify(r)));
        Assert.InRange(results[0].ForgottenVsHoldoutAuc, LossAucOnMembers - 0.05, LossAucOnMembers + 0.05);
        Assert.InRange(results[1].ForgottenVsHoldoutAuc, 0.95, 1);
        Assert.True(results[1].Ci95Low > 0.9);
        Assert.StartsWith("lira-offline: WARNING: forgotten records are still distinguishable", Verdict.Summarize(results));
    }

    [Fact]
    public void An_attack_on_a_model_that_memorizes_nothing_is_inconclusive()
    {
        var model = Model with { Boost = 0 };
        var random = new Random(33);
        var results = MembershipAudit.Run(model.NonMembers(800, random), model.Members(800, random), model.NonMembers(800, random), seed: 7);
        Assert.All(results, r => Assert.Equal(VerdictKind.Inconclusive, Verdict.Classify(r)));
        Assert.Contains(": inconclusive: ", Verdict.Summarize(results));
    }

    [Fact]
    public void Is_the_same_for_a_seed()
    {
        var random = new Random(34);
        var (forgotten, retained, holdout) = (Model.NonMembers(200, random), Model.Members(200, random), Model.NonMembers(200, random));
        var first = MembershipAudit.Run(forgotten, retained, holdout, seed: 5);
        Assert.Equal(first, MembershipAudit.Run(forgotten, retained, holdout, seed: 5));
        Assert.NotEqual(first, MembershipAudit.Run(forgotten, retained, holdout, seed: 6));
    }

    [Fact]
    public void Refuses_records_it_cannot_score()
    {
        var ok = new AuditRecord(0, [0.6, 0.4], [[0.7, 0.3], [0.5, 0.5]], 1);
        AuditRecord[] good = [ok];
        void Rejects(AuditRecord bad, string message)
        {
            var error = Assert.Throws<ArgumentException>(() => MembershipAudit.Run(good, [bad], good, seed: 1));
            Assert.Contains(message, error.Message);
        }
        Rejects(ok with { Label = 2 }, "retained record 0: label 2 is not one of the 2 classes");
        Rejects(ok with { OwningShard = 2 }, "owning shard 2 is not one of the 2");
        Rejects(ok with { Shards = [[0.7, 0.3]] }, "has 1 shards' probabilities, not 2");
        Rejects(ok with { Shards = [[0.7, 0.3], [0.5]] }, "shard 1 does not have 2 class probabilities");
        Rejects(ok with { Ensemble = [0.6, double.NaN] }, "ensemble has probability NaN");
        Assert.Throws<ArgumentException>(() => MembershipAudit.Run(good, [], good, seed: 1));
        var single = new AuditRecord(0, [0.6, 0.4], [[0.6, 0.4]], 0);
        Assert.Contains("at least 2 shards", Assert.Throws<ArgumentException>(() => MembershipAudit.Run([single], [single], [single], 1)).Message);
    }
}
