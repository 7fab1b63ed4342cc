namespace Unlearning.Removal;

/// <summary>
/// The result of <see cref="CertifiedRemoval.Remove"/>. <see cref="Model"/> is always certified: the Newton
/// update when it fits the budget, otherwise (<see cref="BudgetExhausted"/>) an exact retrain on the
/// remaining records with the same noise, whose residual bound starts afresh.
/// </summary>
/// <param name="StepBounds">Each binary model's bound for this removal step (also when the step was discarded).</param>
/// <param name="ResidualBoundAfterStep">The whole model's residual bound had the Newton update been kept.</param>
public sealed record RemovalOutcome(CertifiedModel Model, IReadOnlyList<double> StepBounds, double ResidualBoundAfterStep, bool BudgetExhausted)
{
    public double BudgetLeft => Model.BudgetLeft;
}
