using Unlearning.Client.Verification;

namespace Unlearning.Tests.Verification;

public sealed class ConfidenceTests
{
    [Fact]
    public void The_logit_is_log_odds_of_the_true_class()
    {
        Assert.Equal(Math.Log(0.7 / 0.3), Confidence.Logit([0.1, 0.7, 0.2], 1), 12);
        Assert.Equal(0.0, Confidence.Logit([0.5, 0.5], 0), 15);
        foreach (var logit in new[] { -20.0, -3, -0.25, 0, 1.5, 9 })
        {
            Assert.Equal(logit, Confidence.Logit(SyntheticAudit.Probabilities(logit, 2), 2), 9);
        }
    }

    [Fact]
    public void The_logit_keeps_its_precision_near_certainty()
    {
        // 1 - (1 - 1e-10) rounds to 1.00000008e-10; the other classes' total is 1e-10 exactly. Value: log((1 - 1e-10) / 1e-10).
        Assert.Equal(23.025850929840455, Confidence.Logit([1e-10, 1 - 1e-10], 1), 12);
        Assert.Equal(-23.025850929840455, Confidence.Logit([1e-10, 1 - 1e-10], 0), 12);
    }

    [Fact]
    public void Saturated_probabilities_give_finite_clamped_scores()
    {
        // log((1 - 1e-12) / 1e-12) = 27.63102111592755.
        Assert.Equal(27.63102111592755, Confidence.Logit([0, 1, 0], 1), 9);
        Assert.Equal(-27.63102111592755, Confidence.Logit([0, 1, 0], 0), 9);
        Assert.Equal(Math.Log(1e-12), Confidence.LogLikelihood([0, 1], 0));
        Assert.Equal(0.0, Confidence.LogLikelihood([0, 1], 1));
        Assert.Equal(Math.Log(0.25), LossThresholdAttack.Score(new AuditRecord(1, [0.75, 0.25], [[1, 0], [0, 1]], 0)));
    }
}
