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

    /// <summary>
    /// The dots of rows <paramref name="first"/>..first+3 of the row-major <paramref name="matrix"/> (their first |b|
    /// values) with b: four independent sums, each in <see cref="Dot"/>'s order, so its bits, run side by side.
    /// </summary>
    public static (double, double, double, double) RowDots4(ReadOnlySpan<double> matrix, int stride, int first, ReadOnlySpan<double> b)
    {
        var r0 = matrix.Slice(first * stride, b.Length);
        var r1 = matrix.Slice((first + 1) * stride, b.Length);
        var r2 = matrix.Slice((first + 2) * stride, b.Length);
        var r3 = matrix.Slice((first + 3) * stride, b.Length);
        double s0 = 0.0, s1 = 0.0, s2 = 0.0, s3 = 0.0;
        for (var k = 0; k < b.Length; k++)
        {
            var bk = b[k];
            s0 += r0[k] * bk;
            s1 += r1[k] * bk;
            s2 += r2[k] * bk;
            s3 += r3[k] * bk;
        }
        return (s0, s1, s2, s3);
    }

    /// <summary>y += alpha * x.</summary>
    public static void AddScaled(Span<double> y, double alpha, ReadOnlySpan<double> x)
    {
        if (x.Length != y.Length) throw new ArgumentException($"vectors of lengths {x.Length} and {y.Length}");
        // Element by element, so the learner's vector kernel gives exactly these bits.
        RowMath.AddScaled(y, alpha, x);
    }
}
