using Unlearning.Removal;

using Unlearning.Tests.Support;

namespace Unlearning.Tests.Removal;

public sealed class GaussianNoiseTests
{
    [Fact]
    public void A_seed_always_gives_the_same_draws()
    {
        // Pinned bit patterns: if these change, retraining would silently use different noise than training did.
        var draws = GaussianNoise.Draw(seed: 42, stream: 0, dimension: 3, sigma: 1);
        Assert.Equal(PinnedBits, UnlearningData.Bits(draws));
        Assert.Equal(UnlearningData.Bits(draws), UnlearningData.Bits(GaussianNoise.Draw(42, 0, 3, 1)));
        Assert.NotEqual(UnlearningData.Bits(draws), UnlearningData.Bits(GaussianNoise.Draw(42, 1, 3, 1)));
        Assert.NotEqual(UnlearningData.Bits(draws), UnlearningData.Bits(GaussianNoise.Draw(43, 0, 3, 1)));
        // sigma only scales.
        var scaled = GaussianNoise.Draw(42, 0, 3, 2.5);
        for (var i = 0; i < 3; i++) Assert.Equal(2.5 * draws[i], scaled[i], 14);
    }

    [Fact]
    public void Draws_are_standard_normal()
    {
        var draws = GaussianNoise.Draw(seed: 7, stream: 3, dimension: 40_000, sigma: 1);
        var mean = draws.Average();
        var variance = draws.Sum(x => (x - mean) * (x - mean)) / draws.Length;
        var fourth = draws.Sum(x => Math.Pow(x - mean, 4)) / draws.Length;
        var withinOne = draws.Count(x => Math.Abs(x) < 1) / (double)draws.Length;
        // Standard errors at n = 40,000: mean 0.005, variance 0.007, fourth moment 0.05, P(|x|<1) 0.0023.
        Assert.InRange(mean, -0.025, 0.025);
        Assert.InRange(variance, 0.965, 1.035);
        Assert.InRange(fourth, 2.75, 3.25);
        Assert.InRange(withinOne, 0.6827 - 0.012, 0.6827 + 0.012);
    }

    private static readonly long[] PinnedBits = [4604169200696612126, 4594043109427803379, -4624337094260401252];
}
