using System.Globalization;

namespace Unlearning.Client.Verification;

internal enum VerdictKind
{
    /// <summary>Forgotten records score like never-seen ones, and the attack does tell retained members.</summary>
    Indistinguishable,

    /// <summary>Forgotten records score unlike never-seen ones, above or below: the forget is visible.</summary>
    Distinguishable,

    /// <summary>Forgotten records score like never-seen ones, but so do retained members: the attack is blind.</summary>
    Inconclusive,
}

/// <summary>One line on what the attacks' AUCs say about the forget.</summary>
internal static class Verdict
{
    /// <summary>Forgotten-vs-holdout AUCs within 0.5 ± this pass.</summary>
    public const double Tolerance = 0.05;

    /// <summary>
    /// An AUC of 0.5 for forgotten records only means something if the same attack finds retained members by
    /// more than the tolerance; else it would find 0.5 for members too.
    /// </summary>
    public static VerdictKind Classify(AttackResult result)
    {
        var forgotten = result.ForgottenVsHoldoutAuc;
        if (forgotten > 0.5 + Tolerance || forgotten < 0.5 - Tolerance) return VerdictKind.Distinguishable;
        return result.RetainedVsHoldoutAuc > 0.5 + Tolerance ? VerdictKind.Indistinguishable : VerdictKind.Inconclusive;
    }

    public static string Of(AttackResult result)
    {
        var auc = $"AUC {F(result.ForgottenVsHoldoutAuc)} [{F(result.Ci95Low)}, {F(result.Ci95High)}]";
        var retained = F(result.RetainedVsHoldoutAuc);
        switch (Classify(result))
        {
            case VerdictKind.Distinguishable when result.ForgottenVsHoldoutAuc > 0.5:
                return $"WARNING: forgotten records are still distinguishable from never-seen ones ({auc}, above {F(0.5 + Tolerance)}; {retained} for retained records)";
            case VerdictKind.Distinguishable:
                // Scoring below never-seen records gives the forget away too (the "Streisand effect").
                return $"WARNING: forgotten records are distinguishable from never-seen ones by looking less like members ({auc}, below {F(0.5 - Tolerance)}; {retained} for retained records)";
            case VerdictKind.Inconclusive:
                return $"inconclusive: the attack cannot tell retained records from never-seen ones either (AUC {retained}, needs above {F(0.5 + Tolerance)}), so forgotten records' {auc} shows nothing";
            default:
                var line = $"forgotten records are indistinguishable from never-seen ones ({auc} vs {retained} for retained records: the attack has power)";
                return result.Ci95Low < 0.5 - Tolerance || result.Ci95High > 0.5 + Tolerance
                    ? line + $"; but the interval reaches beyond 0.5 ± {F(Tolerance)}: too few forgotten records to be sure"
                    : line;
        }
    }

    /// <summary>
    /// The verdict over several attacks, named by the attack it rests on: the most distinguishing one if any
    /// attack tells forgotten records apart, else the most powerful one.
    /// </summary>
    public static string Summarize(IReadOnlyList<AttackResult> results)
    {
        if (results.Count == 0) throw new ArgumentException("no attack results to summarize", nameof(results));
        var flagged = results.Where(r => Classify(r) == VerdictKind.Distinguishable).ToList();
        var basis = flagged.Count > 0
            ? flagged.MaxBy(r => Math.Abs(r.ForgottenVsHoldoutAuc - 0.5))!
            : results.MaxBy(r => r.RetainedVsHoldoutAuc)!;
        return $"{basis.Name}: {Of(basis)}";
    }

    private static string F(double value) => value.ToString("0.00", CultureInfo.InvariantCulture);
}
