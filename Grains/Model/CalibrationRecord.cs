using Unlearning.Removal;

namespace Unlearning.Model;

/// <summary>A calibration's choice as the model's config keeps and shows it.</summary>
internal static class CalibrationRecord
{
    public static CertifiedCalibration Of(CalibrationChoice choice) => new(
        choice.Records,
        choice.ShardStepBounds.DefaultIfEmpty(0).Max(),
        [.. choice.ShardStepBounds],
        choice.HeldOutRows,
        choice.HeldOutAccuracy,
        choice.ExactHeldOutAccuracy,
        [.. choice.Candidates.Select(c => new CalibrationCandidateResult(c.Lambda, c.Sigma, c.HeldOutAccuracy, c.ExactHeldOutAccuracy, c.Settled))],
        choice.HighStepBound,
        [.. choice.ShardModelStepBounds.Select(bounds => (double[])bounds.Clone())]);
}
