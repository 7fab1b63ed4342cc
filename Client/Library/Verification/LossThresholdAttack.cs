namespace Unlearning.Client.Verification;

/// <summary>
/// Yeom et al.'s loss-threshold attack on the served model, the ensemble: a record the model fits better (lower
/// cross-entropy loss on its true class) is more likely a member. It is uncalibrated: an easy record looks like a
/// member whether or not it was trained on.
/// </summary>
internal static class LossThresholdAttack
{
    public const string Name = "loss-threshold";

    /// <summary>Minus the ensemble's cross-entropy loss on the true class.</summary>
    public static double Score(AuditRecord record) => Confidence.LogLikelihood(record.Ensemble, record.Label);
}
