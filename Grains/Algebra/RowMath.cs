using System.Runtime.Intrinsics;

namespace Unlearning.Algebra;

/// <summary>
/// The learner's inner loops on 256-bit vectors. Vector256 has the same lanes and the same rounding on every
/// CPU (emulated where the hardware is narrower) and nothing here fuses a multiply into an add, so the bits
/// do not depend on the machine; the dot product's order is fixed: four lanes, then (l0 + l1) + (l2 + l3),
/// then the tail.
/// </summary>
internal static class RowMath
{
    public static double Dot(ReadOnlySpan<double> a, ReadOnlySpan<double> b)
    {
        var j = 0;
        var sum = 0.0;
        if (a.Length >= Vector256<double>.Count)
        {
            var lanes = Vector256<double>.Zero;
            for (; j <= a.Length - Vector256<double>.Count; j += Vector256<double>.Count)
                lanes += Vector256.Create(a.Slice(j, Vector256<double>.Count)) * Vector256.Create(b.Slice(j, Vector256<double>.Count));
            sum = (lanes.GetElement(0) + lanes.GetElement(1)) + (lanes.GetElement(2) + lanes.GetElement(3));
        }
        for (; j < a.Length; j++) sum += a[j] * b[j];
        return sum;
    }

    /// <summary>target += scale * x, element by element (so the same bits as the scalar loop).</summary>
    public static void AddScaled(Span<double> target, double scale, ReadOnlySpan<double> x)
    {
        var j = 0;
        var factor = Vector256.Create(scale);
        for (; j <= x.Length - Vector256<double>.Count; j += Vector256<double>.Count)
        {
            var slot = target.Slice(j, Vector256<double>.Count);
            (Vector256.Create((ReadOnlySpan<double>)slot) + factor * Vector256.Create(x.Slice(j, Vector256<double>.Count))).CopyTo(slot);
        }
        for (; j < x.Length; j++) target[j] += scale * x[j];
    }

    /// <summary>
    /// target += s0 * x0, then += s1 * x1, += s2 * x2, += s3 * x3, element by element: the bits of four
    /// <see cref="AddScaled"/> calls in that order, with each element loaded and stored once.
    /// </summary>
    public static void AddScaled4(Span<double> target, double s0, ReadOnlySpan<double> x0, double s1, ReadOnlySpan<double> x1,
        double s2, ReadOnlySpan<double> x2, double s3, ReadOnlySpan<double> x3)
    {
        var n = target.Length;
        if (x0.Length != n || x1.Length != n || x2.Length != n || x3.Length != n) throw new ArgumentException("vectors of different lengths");
        var j = 0;
        Vector256<double> f0 = Vector256.Create(s0), f1 = Vector256.Create(s1), f2 = Vector256.Create(s2), f3 = Vector256.Create(s3);
        for (; j <= n - Vector256<double>.Count; j += Vector256<double>.Count)
        {
            var slot = target.Slice(j, Vector256<double>.Count);
            var sum = Vector256.Create((ReadOnlySpan<double>)slot) + f0 * Vector256.Create(x0.Slice(j, Vector256<double>.Count));
            sum += f1 * Vector256.Create(x1.Slice(j, Vector256<double>.Count));
            sum += f2 * Vector256.Create(x2.Slice(j, Vector256<double>.Count));
            sum += f3 * Vector256.Create(x3.Slice(j, Vector256<double>.Count));
            sum.CopyTo(slot);
        }
        for (; j < n; j++)
        {
            var value = target[j] + s0 * x0[j];
            value += s1 * x1[j];
            value += s2 * x2[j];
            value += s3 * x3[j];
            target[j] = value;
        }
    }
}
