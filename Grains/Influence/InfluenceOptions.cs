namespace Unlearning.Influence;

/// <summary>Numerical choices of an <see cref="InfluenceAnalysis"/>.</summary>
public sealed record InfluenceOptions
{
    /// <summary>
    /// Up to this many parameters K(d+1) the Hessian is formed (n K^2 (d+1)^2 / 2 work, P^2 memory) and
    /// factored once, after which every solve is cheap; above it each solve runs conjugate gradients on
    /// products that cost one pass over the rows. 1000 keeps the dense form under 8 MB and a second or so.
    /// </summary>
    public int DenseParameterLimit { get; init; } = 1000;

    /// <summary>Relative residual |v - H s| / |v| at which conjugate gradients stop.</summary>
    public double SolverTolerance { get; init; } = 1e-10;
}
