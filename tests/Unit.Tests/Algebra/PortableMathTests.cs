using System.Runtime.Intrinsics;
using Unlearning.Algebra;

namespace Unlearning.Tests.Algebra;

public sealed class PortableMathTests
{
    private const int Samples = 1_000_000;

    /// <summary>Arguments across exp's whole range, and more densely where the learner and the logistic loss use it.</summary>
    private static double ExpArgument(Random random, int i) => (i % 4) switch
    {
        0 => -746 + random.NextDouble() * (746 + 710),
        1 => random.NextDouble() * 2 - 1,
        2 => -40 * random.NextDouble(),
        _ => (random.NextDouble() - 0.5) * 1e-8,
    };

    /// <summary>Positive arguments in every binade (subnormals included), near 1, and where softmax sums fall.</summary>
    private static double LogArgument(Random random, int i) => (i % 4) switch
    {
        0 => BitConverter.Int64BitsToDouble(random.NextInt64(1, 0x7FF0_0000_0000_0000L)),
        1 => 0.5 + 1.5 * random.NextDouble(),
        2 => 1 + (random.NextDouble() - 0.5) * 1e-3,
        _ => 1 + 63 * random.NextDouble(),
    };

    [Fact]
    public void Exp_is_within_an_ulp_of_the_runtimes()
    {
        var random = new Random(20240611);
        var worst = 0L;
        for (var i = 0; i < Samples; i++)
        {
            var x = ExpArgument(random, i);
            worst = Math.Max(worst, UlpDistance(PortableMath.Exp(x), Math.Exp(x)));
        }
        Assert.True(worst <= 1, $"worst {worst} ulp");
    }

    [Fact]
    public void Log_is_within_an_ulp_of_the_runtimes()
    {
        var random = new Random(20240612);
        var worst = 0L;
        for (var i = 0; i < Samples; i++)
        {
            var x = LogArgument(random, i);
            worst = Math.Max(worst, UlpDistance(PortableMath.Log(x), Math.Log(x)));
        }
        Assert.True(worst <= 1, $"worst {worst} ulp");
    }

    [Fact]
    public void Exp_special_values()
    {
        (double X, double Expected)[] cases =
        [
            (0.0, 1.0), (-0.0, 1.0), (double.PositiveInfinity, double.PositiveInfinity), (double.NegativeInfinity, 0.0),
            (709.782712893384, 1.7976931348622732E+308), (709.7827128933841, double.PositiveInfinity), (710.0, double.PositiveInfinity),
            (1e308, double.PositiveInfinity), (-745.1332191019411, double.Epsilon), (-745.1332191019412, 0.0), (-746.0, 0.0), (-1e308, 0.0),
        ];
        foreach (var (x, expected) in cases)
            Assert.Equal(BitConverter.DoubleToInt64Bits(expected), BitConverter.DoubleToInt64Bits(PortableMath.Exp(x)));
    }

    [Fact]
    public void Log_special_values()
    {
        (double X, double Expected)[] cases =
            [(1.0, 0.0), (0.0, double.NegativeInfinity), (-0.0, double.NegativeInfinity), (double.PositiveInfinity, double.PositiveInfinity)];
        foreach (var (x, expected) in cases)
            Assert.Equal(BitConverter.DoubleToInt64Bits(expected), BitConverter.DoubleToInt64Bits(PortableMath.Log(x)));
    }

    [Theory]
    [InlineData(-1.0)]
    [InlineData(-double.Epsilon)]
    [InlineData(double.NegativeInfinity)]
    [InlineData(double.NaN)]
    public void Log_outside_its_domain_is_the_one_nan(double x) =>
        Assert.Equal(BitConverter.DoubleToInt64Bits(double.NaN), BitConverter.DoubleToInt64Bits(PortableMath.Log(x)));

    [Fact]
    public void Exp_of_any_nan_is_the_one_nan()
    {
        foreach (var bits in new[] { 0x7FF8_0000_0000_0001L, unchecked((long)0xFFF0_0000_0000_0001UL), 0x7FF0_0000_0000_0001L })
        {
            var nan = BitConverter.Int64BitsToDouble(bits);
            Assert.Equal(BitConverter.DoubleToInt64Bits(double.NaN), BitConverter.DoubleToInt64Bits(PortableMath.Exp(nan)));
            Assert.Equal(BitConverter.DoubleToInt64Bits(double.NaN), PortableMath.Exp(Vector256.Create(nan)).AsInt64().GetElement(0));
        }
    }

    [Fact]
    public void Subnormal_arguments_and_results_stay_within_an_ulp()
    {
        for (var x = -708.5; x > -745.2; x -= 0.0173)
            Assert.True(UlpDistance(PortableMath.Exp(x), Math.Exp(x)) <= 1, $"exp({x:R})");
        for (var bits = 1L; bits < 0x0010_0000_0000_0000L; bits = bits * 3 + 1)
        {
            var x = BitConverter.Int64BitsToDouble(bits);
            Assert.True(UlpDistance(PortableMath.Log(x), Math.Log(x)) <= 1, $"log({x:R})");
        }
    }

    [Fact]
    public void Vector_lanes_have_the_scalar_bits()
    {
        var random = new Random(5);
        double[] specials = [0.0, -0.0, double.NaN, double.PositiveInfinity, double.NegativeInfinity, double.Epsilon, -1, 709.8, -745.2];
        var lanes = new double[Vector256<double>.Count];
        for (var i = 0; i < Samples; i++)
        {
            lanes[i % lanes.Length] = i % 97 == 0 ? specials[i / 97 % specials.Length] : ExpArgument(random, i);
            if (i % lanes.Length != lanes.Length - 1) continue;
            var exp = PortableMath.Exp(Vector256.Create(lanes));
            var log = PortableMath.Log(Vector256.Create(lanes));
            var positive = PortableMath.Log(Vector256.Create(lanes.Select(Math.Abs).ToArray()));
            for (var l = 0; l < lanes.Length; l++)
            {
                Assert.Equal(BitConverter.DoubleToInt64Bits(PortableMath.Exp(lanes[l])), exp.AsInt64().GetElement(l));
                Assert.Equal(BitConverter.DoubleToInt64Bits(PortableMath.Log(lanes[l])), log.AsInt64().GetElement(l));
                Assert.Equal(BitConverter.DoubleToInt64Bits(PortableMath.Log(Math.Abs(lanes[l]))), positive.AsInt64().GetElement(l));
            }
        }
    }

    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    [InlineData(4)]
    [InlineData(7)]
    [InlineData(26)]
    public void Exp_in_place_has_the_scalar_bits_for_any_length(int length)
    {
        var random = new Random(length);
        var values = Enumerable.Range(0, length).Select(i => ExpArgument(random, i)).ToArray();
        var expected = values.Select(x => BitConverter.DoubleToInt64Bits(PortableMath.Exp(x))).ToArray();
        PortableMath.ExpInPlace(values);
        Assert.Equal(expected, values.Select(BitConverter.DoubleToInt64Bits));
    }

    /// <summary>
    /// Bits pinned on one machine, for every other to reproduce. The last of each are arguments where these
    /// functions round the other way from glibc's (which rounds correctly there): Math.Exp or Math.Log in their
    /// place would fail here.
    /// </summary>
    [Theory]
    [InlineData(0x3FF0000000000000L, 0x4005BF0A8B145769L)] // e
    [InlineData(unchecked((long)0xBFF0000000000000UL), 0x3FD78B56362CEF38L)] // 1/e
    [InlineData(0x4085E00000000000L, 0x7F0D945DF4F8EC8EL)] // exp(700)
    [InlineData(unchecked((long)0xC085E00000000000UL), 0x00D14F2B0FB9307FL)] // exp(-700)
    [InlineData(unchecked((long)0xC087200000000000UL), 0x0000000000000055L)] // exp(-740), subnormal
    [InlineData(0x400EE353F7CED917L, 0x4047C1A4C1979FD2L)] // exp(3.861); glibc: ...FD1
    public void Exp_pinned_bits(long argument, long result) =>
        Assert.Equal(result, BitConverter.DoubleToInt64Bits(PortableMath.Exp(BitConverter.Int64BitsToDouble(argument))));

    [Theory]
    [InlineData(0x4000000000000000L, 0x3FE62E42FEFA39EFL)] // ln 2
    [InlineData(0x4024000000000000L, 0x40026BB1BBB55516L)] // ln 10
    [InlineData(0x3FF000001AD7F29BL, 0x3E7AD7F2847B6492L)] // ln 1.0000001
    [InlineData(0x0000000000000001L, unchecked((long)0xC0874385446D71C3UL))] // ln of the smallest subnormal
    [InlineData(0x404459BA5E353F7DL, 0x400DA667CBB5E8A2L)] // ln 40.701; glibc: ...8A1
    public void Log_pinned_bits(long argument, long result) =>
        Assert.Equal(result, BitConverter.DoubleToInt64Bits(PortableMath.Log(BitConverter.Int64BitsToDouble(argument))));

    /// <summary>How many doubles apart two values are (0 for equal values, ±0 included).</summary>
    private static long UlpDistance(double a, double b)
    {
        if (a == b) return 0;
        if (double.IsNaN(a) || double.IsNaN(b)) return long.MaxValue;
        static long Ordered(double v)
        {
            var bits = BitConverter.DoubleToInt64Bits(v);
            return bits < 0 ? long.MinValue - bits : bits;
        }
        return Math.Abs(Ordered(a) - Ordered(b));
    }
}
