using Unlearning.Algebra;

namespace Unlearning.Influence;

/// <summary>Solves H s = v for a <see cref="SoftmaxHessian"/>, densely or by conjugate gradients (see <see cref="InfluenceOptions"/>).</summary>
internal sealed class HessianSolver
{
    private readonly SoftmaxHessian _hessian;
    private readonly Cholesky? _factor;
    private readonly InfluenceOptions _options;

    public HessianSolver(SoftmaxHessian hessian, InfluenceOptions options)
    {
        _hessian = hessian;
        _options = options;
        if (hessian.ParameterCount <= options.DenseParameterLimit)
        {
            _factor = Cholesky.TryFactor(hessian.Dense(), hessian.ParameterCount)
                ?? throw new InvalidOperationException("the Hessian is not positive definite: is lambda > 0?");
        }
    }

    public HessianMethod Method => _factor is null ? HessianMethod.ConjugateGradient : HessianMethod.Cholesky;

    public double[] Solve(ReadOnlySpan<double> v)
    {
        if (v.Length != _hessian.ParameterCount) throw new ArgumentException($"a vector of {v.Length} values for {_hessian.ParameterCount} parameters");
        return _factor is not null
            ? _factor.Solve(v)
            : ConjugateGradient.Solve(_hessian.Multiply, v, _options.SolverTolerance, maxIterations: 10 * _hessian.ParameterCount);
    }
}
