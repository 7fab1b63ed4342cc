using System.Runtime.Intrinsics;
using Unlearning.Removal;

namespace Unlearning.Tests.Removal;

public sealed class LogisticLossTests
{
    [Fact]
    public void Four_margins_at_once_have_the_bits_of_one_at_a_time()
    {
        var random = new Random(8);
        var margins = new double[Vector256<double>.Count];
        for (var trial = 0; trial < 100_000; trial++)
        {
            for (var l = 0; l < margins.Length; l++)
                margins[l] = trial % 10 == 0 ? (l - 2) * 0.0 : (random.NextDouble() - 0.5) * (trial % 3 == 0 ? 2000 : 40);
            var values = LogisticLoss.Value(Vector256.Create(margins), out var slopes);
            var curvatures = LogisticLoss.Curvature(Vector256.Create(margins));
            for (var l = 0; l < margins.Length; l++)
            {
                var value = LogisticLoss.Value(margins[l], out var slope);
                Assert.Equal(BitConverter.DoubleToInt64Bits(value), BitConverter.DoubleToInt64Bits(values.GetElement(l)));
                Assert.Equal(BitConverter.DoubleToInt64Bits(slope), BitConverter.DoubleToInt64Bits(slopes.GetElement(l)));
                Assert.Equal(BitConverter.DoubleToInt64Bits(LogisticLoss.NegativeSlope(margins[l])), BitConverter.DoubleToInt64Bits(slope));
                Assert.Equal(BitConverter.DoubleToInt64Bits(LogisticLoss.Curvature(margins[l])), BitConverter.DoubleToInt64Bits(curvatures.GetElement(l)));
            }
        }
    }

    [Fact]
    public void The_bound_constant_is_half_the_steepest_slope_of_the_curvature()
    {
        // The steepest chord of l'' over a fine grid: the Lipschitz constant L the bound's integral argument needs.
        const double step = 1e-4;
        var steepest = 0.0;
        for (var m = -12.0; m < 12.0; m += step)
            steepest = Math.Max(steepest, Math.Abs(LogisticLoss.Curvature(m + step) - LogisticLoss.Curvature(m)) / step);
        Assert.InRange(steepest, 0.0962, 0.09623); // 1/(6 sqrt 3) = 0.0962250...
        // At least L/2 (or the bound is no bound), and no looser than rounding up needs.
        Assert.True(LogisticLoss.CurvatureLipschitz >= steepest / 2, $"{LogisticLoss.CurvatureLipschitz} < {steepest / 2}");
        Assert.True(LogisticLoss.CurvatureLipschitz <= 1 / (6 * Math.Sqrt(3)) / 2 * (1 + 1e-5), $"{LogisticLoss.CurvatureLipschitz} is looser than L/2");
    }
}
