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
}
