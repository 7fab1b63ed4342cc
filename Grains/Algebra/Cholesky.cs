namespace Unlearning.Algebra;

/// <summary>
/// The lower-triangular factor L of a symmetric positive definite matrix A = L L^T, and solves with it.
/// Plain sequential loops in a fixed order (no SIMD, whose width varies by CPU, and no threads), so the
/// same matrix gives the same bits on every machine and thread.
/// </summary>
internal sealed class Cholesky
{
    private readonly double[] _lower;

    private Cholesky(double[] lower, int order)
    {
        _lower = lower;
        Order = order;
    }

    public int Order { get; }

    /// <summary>Factors the lower triangle of a row-major square matrix; null when it is not numerically positive definite.</summary>
    public static Cholesky? TryFactor(ReadOnlySpan<double> symmetric, int order)
    {
        if (symmetric.Length != order * order) throw new ArgumentException($"{symmetric.Length} values do not make a {order}x{order} matrix");
        var l = new double[order * order];
        for (var j = 0; j < order; j++)
        {
            var rowJ = l.AsSpan(j * order, j);
            var pivot = symmetric[j * order + j] - Dot(rowJ, rowJ);
            if (!(pivot > 0)) return null;
            var diagonal = Math.Sqrt(pivot);
            l[j * order + j] = diagonal;
            for (var i = j + 1; i < order; i++)
                l[i * order + j] = (symmetric[i * order + j] - Dot(l.AsSpan(i * order, j), rowJ)) / diagonal;
        }
        return new Cholesky(l, order);
    }

    public static Cholesky Factor(ReadOnlySpan<double> symmetric, int order) =>
        TryFactor(symmetric, order) ?? throw new InvalidOperationException("the matrix is not positive definite");

    /// <summary>Writes x with A x = b.</summary>
    public void Solve(ReadOnlySpan<double> b, Span<double> x)
    {
        int n = Order;
        if (b.Length != n || x.Length != n) throw new ArgumentException($"expected vectors of length {n}");
        b.CopyTo(x);
        for (var i = 0; i < n; i++)
            x[i] = (x[i] - Dot(_lower.AsSpan(i * n, i), x[..i])) / _lower[i * n + i];
        for (var i = n - 1; i >= 0; i--)
        {
            var sum = x[i];
            for (var k = i + 1; k < n; k++) sum -= _lower[k * n + i] * x[k];
            x[i] = sum / _lower[i * n + i];
        }
    }

    public double[] Solve(ReadOnlySpan<double> b)
    {
        var x = new double[Order];
        Solve(b, x);
        return x;
    }

    private static double Dot(ReadOnlySpan<double> a, ReadOnlySpan<double> b)
    {
        var sum = 0.0;
        for (var k = 0; k < a.Length; k++) sum += a[k] * b[k];
        return sum;
    }
}
