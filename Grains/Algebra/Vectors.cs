namespace Unlearning.Algebra;

/// <summary>Dense vector helpers as plain sequential loops, so sums are bit-reproducible (see <see cref="Cholesky"/>).</summary>
internal static class Vectors
{
    public static double Dot(ReadOnlySpan<double> a, ReadOnlySpan<double> b)
    {
        if (a.Length != b.Length) throw new ArgumentException($"vectors of lengths {a.Length} and {b.Length}");
        var sum = 0.0;
        for (var i = 0; i < a.Length; i++) sum += a[i] * b[i];
        return sum;
    }

    public static double Norm(ReadOnlySpan<double> a) => Math.Sqrt(Dot(a, a));

    /// <summary>y += alpha * x.</summary>
    public static void AddScaled(Span<double> y, double alpha, ReadOnlySpan<double> x)
    {
        if (x.Length != y.Length) throw new ArgumentException($"vectors of lengths {x.Length} and {y.Length}");
        // Element by element, so the learner's vector kernel gives exactly these bits.
        RowMath.AddScaled(y, alpha, x);
    }
}
