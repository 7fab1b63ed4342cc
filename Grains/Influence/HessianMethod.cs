namespace Unlearning.Influence;

/// <summary>How H s = v is solved: a Cholesky factor of the explicit Hessian, or conjugate gradients on Hessian-vector products.</summary>
public enum HessianMethod
{
    Cholesky,
    ConjugateGradient,
}
