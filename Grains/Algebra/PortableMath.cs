using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace Unlearning.Algebra;

/// <summary>
/// exp and ln built from IEEE-754 basic operations only (+, -, *, / are correctly rounded everywhere, and
/// the JIT never fuses a multiply into an add), so they give the same bits on every platform; Math.Exp and
/// Math.Log defer to the C runtime, whose last bit differs between systems. Each has a scalar and a
/// Vector256 form doing the same operations per lane, so a value's bits depend neither on the form that
/// computed it nor on the CPU. Measured: at most one ulp from glibc 2.36 over the 10^6 seeded arguments
/// of each test in tests/Unit.Tests/Algebra/PortableMathTests.cs; against exact values (mpmath, 2*10^5
/// arguments each) at most 0.66 ulp for exp (0.75 where the result is subnormal) and 0.78 ulp for ln.
/// </summary>
internal static class PortableMath
{
    // ln 2 split so that k * Ln2High is exact for every |k| < 2^21 (Ln2High has 32 significant bits).
    private const double Ln2High = 6.93147180369123816490e-01;
    private const double Ln2Low = 1.90821492927058770002e-10;
    private const double InvLn2 = 1.44269504088896338700e+00;
    private const double Sqrt2 = 1.41421356237309504880;
    private const double SmallestNormal = 2.2250738585072014E-308;
    private const double TwoTo54 = 18014398509481984.0;

    // 1.5 * 2^52: adding it to a number of magnitude below 2^51 rounds that number to an integer (ties
    // to even) and leaves the integer in the low bits, with no conversion instruction.
    private const double Shifter = 6755399441055744.0;
    private const long ShifterBits = 0x4338_0000_0000_0000L;

    // Beyond these exp is +inf or rounds to 0; clamping keeps k within the exponent's range.
    private const double ExpUpper = 710;
    private const double ExpLower = -746;

    // (exp(r) - 1 - r) / r^2 = sum over n >= 2 of r^(n-2) / n!, cut after 1/13!: for |r| <= ln2/2 the
    // remainder is below 2^-57 of the result.
    private const double E2 = 1.0 / 2;
    private const double E3 = 1.0 / 6;
    private const double E4 = 1.0 / 24;
    private const double E5 = 1.0 / 120;
    private const double E6 = 1.0 / 720;
    private const double E7 = 1.0 / 5040;
    private const double E8 = 1.0 / 40320;
    private const double E9 = 1.0 / 362880;
    private const double E10 = 1.0 / 3628800;
    private const double E11 = 1.0 / 39916800;
    private const double E12 = 1.0 / 479001600;
    private const double E13 = 1.0 / 6227020800;

    // ln(1 + f) = 2 atanh(s) with s = f / (2 + f), |s| <= 0.1716; 2 atanh(s) = 2s + s R with
    // R = sum over n >= 1 of 2 s^(2n) / (2n + 1), cut after s^22: the remainder is below 2^-60 of the result.
    private const double L1 = 2.0 / 3;
    private const double L2 = 2.0 / 5;
    private const double L3 = 2.0 / 7;
    private const double L4 = 2.0 / 9;
    private const double L5 = 2.0 / 11;
    private const double L6 = 2.0 / 13;
    private const double L7 = 2.0 / 15;
    private const double L8 = 2.0 / 17;
    private const double L9 = 2.0 / 19;
    private const double L10 = 2.0 / 21;
    private const double L11 = 2.0 / 23;

    /// <summary>e^x; +inf above 709.78, 0 below -745.14, NaN (always <see cref="double.NaN"/>'s bits) for NaN.</summary>
    public static double Exp(double x)
    {
        if (double.IsNaN(x)) return double.NaN;
        var clamped = x > ExpUpper ? ExpUpper : x;
        clamped = clamped < ExpLower ? ExpLower : clamped;
        // x = k ln2 + r with |r| <= ln2/2: k * Ln2High is exact and so is its difference from x (Sterbenz),
        // and the rounding of r is kept in rTail.
        var shifted = clamped * InvLn2 + Shifter;
        var k = shifted - Shifter;
        var kBits = BitConverter.DoubleToInt64Bits(shifted) - ShifterBits;
        var high = clamped - k * Ln2High;
        var low = k * Ln2Low;
        var r = high - low;
        var rTail = (high - r) - low;
        // Estrin's scheme for the series: shorter dependency chains than Horner's, the same in every lane.
        var r2 = r * r;
        var r4 = r2 * r2;
        var q0 = (E2 + E3 * r) + (E4 + E5 * r) * r2;
        var q1 = (E6 + E7 * r) + (E8 + E9 * r) * r2;
        var q2 = (E10 + E11 * r) + (E12 + E13 * r) * r2;
        var q = q0 + r4 * (q1 + r4 * q2);
        // 1 + r rounds; its error (exact, as |r| < 1) joins the small terms before the one rounding that matters.
        var head = 1 + r;
        var y = head + (((1 - head) + r) + (r2 * q + rTail));
        // 2^k as 2^floor(k/2) * 2^(k - floor(k/2)): both factors normal for every k in [-1076, 1024], the
        // first product exact, the second rounding once, into a subnormal or to infinity where due.
        var e1 = ((kBits + 2048) >>> 1) - 1;
        var e2 = kBits + 2046 - e1;
        return y * BitConverter.Int64BitsToDouble(e1 << 52) * BitConverter.Int64BitsToDouble(e2 << 52);
    }

    /// <summary><see cref="Exp(double)"/> of each lane, the same operations on each.</summary>
    public static Vector256<double> Exp(Vector256<double> x)
    {
        var upper = Vector256.Create(ExpUpper);
        var lower = Vector256.Create(ExpLower);
        var clamped = Vector256.ConditionalSelect(Vector256.GreaterThan(x, upper), upper, x);
        clamped = Vector256.ConditionalSelect(Vector256.LessThan(clamped, lower), lower, clamped);
        var shifter = Vector256.Create(Shifter);
        var shifted = clamped * Vector256.Create(InvLn2) + shifter;
        var k = shifted - shifter;
        var kBits = shifted.AsInt64() - Vector256.Create(ShifterBits);
        var high = clamped - k * Vector256.Create(Ln2High);
        var low = k * Vector256.Create(Ln2Low);
        var r = high - low;
        var rTail = (high - r) - low;
        var r2 = r * r;
        var r4 = r2 * r2;
        var q0 = (Vector256.Create(E2) + Vector256.Create(E3) * r) + (Vector256.Create(E4) + Vector256.Create(E5) * r) * r2;
        var q1 = (Vector256.Create(E6) + Vector256.Create(E7) * r) + (Vector256.Create(E8) + Vector256.Create(E9) * r) * r2;
        var q2 = (Vector256.Create(E10) + Vector256.Create(E11) * r) + (Vector256.Create(E12) + Vector256.Create(E13) * r) * r2;
        var q = q0 + r4 * (q1 + r4 * q2);
        var one = Vector256<double>.One;
        var head = one + r;
        var y = head + (((one - head) + r) + (r2 * q + rTail));
        var e1 = Vector256.ShiftRightLogical(kBits + Vector256.Create(2048L), 1) - Vector256<long>.One;
        var e2 = kBits + Vector256.Create(2046L) - e1;
        var result = y * Vector256.ShiftLeft(e1, 52).AsDouble() * Vector256.ShiftLeft(e2, 52).AsDouble();
        return Vector256.ConditionalSelect(Vector256.Equals(x, x), result, Vector256.Create(double.NaN));
    }

    /// <summary>Replaces each value by its exp: whole vectors, then the tail one by one (the same bits either way).</summary>
    public static void ExpInPlace(Span<double> values)
    {
        var j = 0;
        for (; j <= values.Length - Vector256<double>.Count; j += Vector256<double>.Count)
        {
            var slot = values.Slice(j, Vector256<double>.Count);
            Exp(Vector256.Create((ReadOnlySpan<double>)slot)).CopyTo(slot);
        }
        for (; j < values.Length; j++) values[j] = Exp(values[j]);
    }

    /// <summary>ln x; -inf at ±0, +inf at +inf, NaN (always <see cref="double.NaN"/>'s bits) below 0 and for NaN.</summary>
    public static double Log(double x)
    {
        if (!(x >= 0)) return double.NaN;
        if (x == 0) return double.NegativeInfinity;
        if (x == double.PositiveInfinity) return x;
        // A subnormal is scaled into the normal range exactly; its exponent says how far.
        var tiny = x < SmallestNormal;
        var bits = BitConverter.DoubleToInt64Bits(tiny ? x * TwoTo54 : x);
        var exponent = ((bits >>> 52) & 0x7FF) - 1023;
        var m = BitConverter.Int64BitsToDouble((bits & 0x000F_FFFF_FFFF_FFFFL) | 0x3FF0_0000_0000_0000L);
        var big = m > Sqrt2;
        m = big ? m * 0.5 : m;
        var e = Integer(exponent) + (big ? 1.0 : 0.0) + (tiny ? -54.0 : 0.0);
        // f = m - 1 is exact (Sterbenz), and ln(1 + f) = f - (f^2/2 - s (f^2/2 + R)): the large term
        // exact, the rounding errors only in a correction at most a fifth of it.
        var f = m - 1;
        var s = f / (2 + f);
        var z = s * s;
        var z2 = z * z;
        var z4 = z2 * z2;
        var p0 = (L1 + L2 * z) + (L3 + L4 * z) * z2;
        var p1 = (L5 + L6 * z) + (L7 + L8 * z) * z2;
        var p2 = (L9 + L10 * z) + L11 * z2;
        var r = z * (p0 + z4 * (p1 + z4 * p2));
        var halfSquare = 0.5 * f * f;
        return e * Ln2High + (f - (halfSquare - (s * (halfSquare + r) + e * Ln2Low)));
    }

    /// <summary><see cref="Log(double)"/> of each lane, the same operations on each.</summary>
    public static Vector256<double> Log(Vector256<double> x)
    {
        var zero = Vector256<double>.Zero;
        var tiny = Vector256.LessThan(x, Vector256.Create(SmallestNormal));
        var bits = Vector256.ConditionalSelect(tiny, x * Vector256.Create(TwoTo54), x).AsInt64();
        var exponent = (Vector256.ShiftRightLogical(bits, 52) & Vector256.Create(0x7FFL)) - Vector256.Create(1023L);
        var m = ((bits & Vector256.Create(0x000F_FFFF_FFFF_FFFFL)) | Vector256.Create(0x3FF0_0000_0000_0000L)).AsDouble();
        var big = Vector256.GreaterThan(m, Vector256.Create(Sqrt2));
        m = Vector256.ConditionalSelect(big, m * Vector256.Create(0.5), m);
        var e = Integer(exponent) + Vector256.ConditionalSelect(big, Vector256<double>.One, zero)
            + Vector256.ConditionalSelect(tiny, Vector256.Create(-54.0), zero);
        var f = m - Vector256<double>.One;
        var s = f / (Vector256.Create(2.0) + f);
        var z = s * s;
        var z2 = z * z;
        var z4 = z2 * z2;
        var p0 = (Vector256.Create(L1) + Vector256.Create(L2) * z) + (Vector256.Create(L3) + Vector256.Create(L4) * z) * z2;
        var p1 = (Vector256.Create(L5) + Vector256.Create(L6) * z) + (Vector256.Create(L7) + Vector256.Create(L8) * z) * z2;
        var p2 = (Vector256.Create(L9) + Vector256.Create(L10) * z) + Vector256.Create(L11) * z2;
        var r = z * (p0 + z4 * (p1 + z4 * p2));
        var halfSquare = Vector256.Create(0.5) * f * f;
        var result = e * Vector256.Create(Ln2High) + (f - (halfSquare - (s * (halfSquare + r) + e * Vector256.Create(Ln2Low))));
        result = Vector256.ConditionalSelect(Vector256.Equals(x, Vector256.Create(double.PositiveInfinity)), x, result);
        result = Vector256.ConditionalSelect(Vector256.Equals(x, zero), Vector256.Create(double.NegativeInfinity), result);
        return Vector256.ConditionalSelect(Vector256.GreaterThanOrEqual(x, zero), result, Vector256.Create(double.NaN));
    }

    // An integer of magnitude below 2^51 as a double, exactly, the same way in both forms.
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static double Integer(long value) => BitConverter.Int64BitsToDouble(value + ShifterBits) - Shifter;

    private static Vector256<double> Integer(Vector256<long> value) => (value + Vector256.Create(ShifterBits)).AsDouble() - Vector256.Create(Shifter);
}
