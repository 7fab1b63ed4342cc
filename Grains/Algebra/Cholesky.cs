namespace Unlearning.Algebra;

/// <summary>
/// The lower-triangular factor L of a symmetric positive definite matrix A = L L^T, and solves with it.
/// Plain sequential loops in a fixed order (no SIMD, whose width varies by CPU, and no threads), so the
/// same matrix gives the same bits on every machine and thread.
/// </summary>
internal sealed class Cholesky
{
    private readonly double[] _lower;

    // L^T, row-major: the back substitution reads L by columns, which are rows here (the same products, in the same order).
    private readonly double[] _upper;

    private Cholesky(double[] lower, int order)
    {
        _lower = lower;
        Order = order;
        _upper = new double[order * order];
        for (var i = 0; i < order; i++)
            for (var k = 0; k <= i; k++) _upper[k * order + i] = lower[i * order + k];
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
            var pivot = symmetric[j * order + j] - Vectors.Dot(rowJ, rowJ);
            if (!(pivot > 0)) return null;
            var diagonal = Math.Sqrt(pivot);
            l[j * order + j] = diagonal;
            var i = j + 1;
            // Four rows at a time: four independent sums, each still in k order, so the same bits as one at a time.
            for (; i + 3 < order; i += 4)
            {
                var (s0, s1, s2, s3) = Vectors.RowDots4(l, order, i, rowJ);
                l[i * order + j] = (symmetric[i * order + j] - s0) / diagonal;
                l[(i + 1) * order + j] = (symmetric[(i + 1) * order + j] - s1) / diagonal;
                l[(i + 2) * order + j] = (symmetric[(i + 2) * order + j] - s2) / diagonal;
                l[(i + 3) * order + j] = (symmetric[(i + 3) * order + j] - s3) / diagonal;
            }
            for (; i < order; i++)
                l[i * order + j] = (symmetric[i * order + j] - Vectors.Dot(l.AsSpan(i * order, j), rowJ)) / diagonal;
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
            x[i] = (x[i] - Vectors.Dot(_lower.AsSpan(i * n, i), x[..i])) / _lower[i * n + i];
        for (var i = n - 1; i >= 0; i--)
        {
            var sum = x[i];
            var row = _upper.AsSpan(i * n, n);
            for (var k = i + 1; k < n; k++) sum -= row[k] * x[k];
            x[i] = sum / _lower[i * n + i];
        }
    }

    /// <summary>
    /// Writes x1 with A x1 = b1 and x2 with A x2 = b2: the bits of two <see cref="Solve(ReadOnlySpan{double}, Span{double})"/>
    /// calls, their sums run side by side (two independent chains go twice as fast as one).
    /// </summary>
    public void Solve(ReadOnlySpan<double> b1, Span<double> x1, ReadOnlySpan<double> b2, Span<double> x2)
    {
        int n = Order;
        if (b1.Length != n || x1.Length != n || b2.Length != n || x2.Length != n) throw new ArgumentException($"expected vectors of length {n}");
        b1.CopyTo(x1);
        b2.CopyTo(x2);
        for (var i = 0; i < n; i++)
        {
            var row = _lower.AsSpan(i * n, i);
            double s1 = 0.0, s2 = 0.0;
            for (var k = 0; k < row.Length; k++)
            {
                s1 += row[k] * x1[k];
                s2 += row[k] * x2[k];
            }
            var diagonal = _lower[i * n + i];
            x1[i] = (x1[i] - s1) / diagonal;
            x2[i] = (x2[i] - s2) / diagonal;
        }
        for (var i = n - 1; i >= 0; i--)
        {
            double sum1 = x1[i], sum2 = x2[i];
            var row = _upper.AsSpan(i * n, n);
            for (var k = i + 1; k < n; k++)
            {
                sum1 -= row[k] * x1[k];
                sum2 -= row[k] * x2[k];
            }
            var diagonal = _lower[i * n + i];
            x1[i] = sum1 / diagonal;
            x2[i] = sum2 / diagonal;
        }
    }

    public double[] Solve(ReadOnlySpan<double> b)
    {
        var x = new double[Order];
        Solve(b, x);
        return x;
    }
}
