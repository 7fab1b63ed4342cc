using Unlearning.Algebra;

namespace Unlearning.Removal;

/// <summary>
/// The parameters of a certified-removal model (Guo et al., ICML 2020): the L2 strength
/// <see cref="Lambda"/> (the objective's penalty is lambda*n/2 |w|^2), the standard deviation
/// <see cref="Sigma"/> of the objective's Gaussian perturbation, and the (epsilon, delta) guarantee.
/// </summary>
public sealed record CertificationSettings
{
    public CertificationSettings(double lambda, double sigma, double epsilon, double delta)
    {
        Lambda = RequirePositive(lambda, nameof(lambda), "lambda (the L2 strength) must be a finite number > 0");
        Sigma = RequirePositive(sigma, nameof(sigma), "sigma (the noise standard deviation) must be a finite number > 0");
        Epsilon = RequirePositive(epsilon, nameof(epsilon), "epsilon must be a finite number > 0");
        if (!(delta > 0 && delta < 1))
            throw new ArgumentOutOfRangeException(nameof(delta), delta, "delta must lie strictly between 0 and 1");
        Delta = delta;
    }

    public double Lambda { get; }
    public double Sigma { get; }
    public double Epsilon { get; }
    public double Delta { get; }

    /// <summary>
    /// The largest gradient residual norm that keeps removals (epsilon, delta)-certified:
    /// sigma * epsilon / c with c = sqrt(2 ln(1.5 / delta)) (the paper's Theorem 3).
    /// </summary>
    public double ResidualBudget => Sigma * Epsilon / Math.Sqrt(2 * PortableMath.Log(1.5 / Delta));

    private static double RequirePositive(double value, string name, string message) =>
        double.IsFinite(value) && value > 0 ? value : throw new ArgumentOutOfRangeException(name, value, message);
}
