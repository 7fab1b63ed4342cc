namespace Unlearning.Algebra;

/// <summary>
/// A natural logarithm built from IEEE-754 basic operations only (+, -, *, / are correctly rounded
/// everywhere, and the JIT does not fuse them), so it gives the same bits on every platform;
/// Math.Log defers to the C runtime, which may differ in the last place between systems.
/// Accurate to about one unit in the last place.
/// </summary>
internal static class PortableMath
{
    // ln 2 split so that exponent * Ln2High is exact for any double's exponent.
    private const double Ln2High = 6.93147180369123816490e-01;
    private const double Ln2Low = 1.90821492927058770002e-10;
    private const double Sqrt2 = 1.41421356237309504880;
    private const double SmallestNormal = 2.2250738585072014E-308;

    /// <summary>ln(x) for a positive, normal, finite x.</summary>
    public static double Log(double x)
    {
        if (!(x >= SmallestNormal && x <= double.MaxValue))
            throw new ArgumentOutOfRangeException(nameof(x), x, "the portable logarithm takes positive normal finite numbers");
        var bits = BitConverter.DoubleToInt64Bits(x);
        var exponent = (int)((bits >> 52) & 0x7FF) - 1023;
        var m = BitConverter.Int64BitsToDouble((bits & 0x000F_FFFF_FFFF_FFFFL) | 0x3FF0_0000_0000_0000L);
        if (m > Sqrt2)
        {
            m *= 0.5;
            exponent++;
        }
        // m in [sqrt(2)/2, sqrt(2)]: ln m = 2 atanh(f) = 2 (f + f^3/3 + f^5/5 + ...), |f| <= 0.172.
        var f = (m - 1) / (m + 1);
        var f2 = f * f;
        var series = 1.0 / 27;
        for (var k = 12; k >= 0; k--) series = 1.0 / (2 * k + 1) + f2 * series;
        return exponent * Ln2High + (exponent * Ln2Low + 2 * f * series);
    }
}
