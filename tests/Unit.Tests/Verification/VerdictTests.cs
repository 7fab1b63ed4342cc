using Unlearning.Client.Verification;

namespace Unlearning.Tests.Verification;

public sealed class VerdictTests
{
    private static AttackResult Result(double forgotten, double low, double high, double retained, string name = "lira-offline") =>
        new(name, forgotten, retained, low, high, 100, 100, 100);

    [Fact]
    public void A_clean_forget_with_a_powerful_attack_passes()
    {
        var result = Result(0.5, 0.46, 0.54, 0.62);
        Assert.Equal(VerdictKind.Indistinguishable, Verdict.Classify(result));
        Assert.Equal("forgotten records are indistinguishable from never-seen ones (AUC 0.50 [0.46, 0.54] vs 0.62 for retained records: the attack has power)",
            Verdict.Of(result));
    }

    [Fact]
    public void A_wide_interval_is_flagged_as_too_few_records()
    {
        var line = Verdict.Of(Result(0.52, 0.40, 0.64, 0.80));
        Assert.StartsWith("forgotten records are indistinguishable", line);
        Assert.EndsWith("but the interval reaches beyond 0.5 ± 0.05: too few forgotten records to be sure", line);
    }

    [Theory]
    [InlineData(0.56, false)]
    [InlineData(0.55, true)]
    [InlineData(0.45, true)]
    [InlineData(0.44, false)]
    public void The_band_is_one_half_plus_or_minus_the_tolerance(double forgotten, bool passes) =>
        Assert.Equal(passes ? VerdictKind.Indistinguishable : VerdictKind.Distinguishable,
            Verdict.Classify(Result(forgotten, forgotten - 0.02, forgotten + 0.02, 0.9)));

    [Fact]
    public void Distinguishable_forgotten_records_warn_either_way()
    {
        Assert.Equal("WARNING: forgotten records are still distinguishable from never-seen ones (AUC 0.68 [0.64, 0.72], above 0.55; 0.70 for retained records)",
            Verdict.Of(Result(0.68, 0.64, 0.72, 0.70)));
        Assert.StartsWith("WARNING: forgotten records are distinguishable from never-seen ones by looking less like members (AUC 0.38",
            Verdict.Of(Result(0.38, 0.34, 0.42, 0.70)));
        // Even with no power on retained records: the forgotten ones stand out.
        Assert.Equal(VerdictKind.Distinguishable, Verdict.Classify(Result(0.68, 0.64, 0.72, 0.5)));
    }

    [Fact]
    public void Without_power_on_retained_records_the_audit_is_inconclusive()
    {
        var result = Result(0.5, 0.46, 0.54, 0.53);
        Assert.Equal(VerdictKind.Inconclusive, Verdict.Classify(result));
        Assert.Equal("inconclusive: the attack cannot tell retained records from never-seen ones either (AUC 0.53, needs above 0.55), so forgotten records' AUC 0.50 [0.46, 0.54] shows nothing",
            Verdict.Of(result));
    }

    [Fact]
    public void The_summary_rests_on_a_warning_if_any_attack_gives_one_else_on_the_most_powerful_attack()
    {
        var weak = Result(0.5, 0.46, 0.54, 0.53, "loss-threshold");
        var strong = Result(0.51, 0.47, 0.55, 0.75);
        var leaky = Result(0.60, 0.56, 0.64, 0.58, "loss-threshold");
        Assert.StartsWith("lira-offline: forgotten records are indistinguishable", Verdict.Summarize([weak, strong]));
        Assert.StartsWith("loss-threshold: WARNING", Verdict.Summarize([leaky, strong]));
        Assert.StartsWith("loss-threshold: inconclusive", Verdict.Summarize([weak]));
        Assert.Throws<ArgumentException>(() => Verdict.Summarize([]));
    }
}
