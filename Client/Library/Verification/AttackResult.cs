namespace Unlearning.Client.Verification;

/// <summary>
/// One attack's outcome. ForgottenVsHoldoutAuc: how well its score tells forgotten records from never-seen ones
/// (0.5: not at all, the goal after a forget). RetainedVsHoldoutAuc: the same for records still trained on, the
/// control that the attack can tell members at all. Ci95Low/High: the bootstrap interval of the first AUC.
/// </summary>
public sealed record AttackResult(
    string Name,
    double ForgottenVsHoldoutAuc,
    double RetainedVsHoldoutAuc,
    double Ci95Low,
    double Ci95High,
    int ForgottenCount,
    int RetainedCount,
    int HoldoutCount);
