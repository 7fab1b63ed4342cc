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
}
