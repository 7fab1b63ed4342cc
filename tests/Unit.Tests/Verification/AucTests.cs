using Unlearning.Client.Verification;

namespace Unlearning.Tests.Verification;

public sealed class AucTests
{
    [Theory]
    [InlineData(1, 1, 1, 3)]
    [InlineData(2, 7, 13, 2)]
    [InlineData(3, 50, 40, 5)]
    [InlineData(4, 300, 200, 20)]
    [InlineData(5, 400, 500, 1_000_000)]
    public void Agrees_with_counting_every_pair(int seed, int positives, int negatives, int levels)
    {
        // Few levels: many ties, within and across the classes.
        var random = new Random(seed);
        var p = Enumerable.Range(0, positives).Select(_ => (double)random.Next(levels) + (random.Next(3) == 0 ? 0.5 : 0)).ToArray();
        var n = Enumerable.Range(0, negatives).Select(_ => (double)random.Next(levels)).ToArray();
        Assert.Equal(BruteForce(p, n), Auc.Of(p, n), 15);
    }

    [Fact]
    public void Small_cases_worked_by_hand()
    {
        // Pairs of [1,2,3] against [0,2,4]: 4 wins and 1 tie of 9, so (4 + 0.5) / 9.
        Assert.Equal(0.5, Auc.Of([1, 2, 3], [0, 2, 4]));
        // [1,2] against [0,1]: 1>0, 1=1, 2>0, 2>1 → 3.5 / 4.
        Assert.Equal(0.875, Auc.Of([1, 2], [0, 1]));
        Assert.Equal(1.0, Auc.Of([5, 6], [1, 2, 3]));
        Assert.Equal(0.0, Auc.Of([1, 2, 3], [5, 6]));
        Assert.Equal(0.5, Auc.Of([7, 7, 7], [7, 7]));
        Assert.Equal(1.0, Auc.Of([double.PositiveInfinity], [double.MaxValue, double.NegativeInfinity]));
    }

    [Fact]
    public void Is_one_half_for_identical_distributions()
    {
        var random = new Random(11);
        var p = Gaussians(random, 5_000, 0);
        var n = Gaussians(random, 5_000, 0);
        var auc = Auc.Of(p, n);
        var (low, high) = AucBootstrap.Interval95(p, n, seed: 1);
        Assert.InRange(0.5, low, high);
        Assert.InRange(auc, 0.48, 0.52);
    }

    [Theory]
    // Φ(d / √2): the probability that N(d, 1) exceeds an independent N(0, 1). Values from the error function.
    [InlineData(0.5, 0.6381631950841185)]
    [InlineData(1.0, 0.7602499389065233)]
    [InlineData(2.0, 0.9213503964748574)]
    public void Of_gaussians_shifted_by_d_is_phi_of_d_over_root_two(double shift, double expected)
    {
        var random = new Random(23);
        var auc = Auc.Of(Gaussians(random, 20_000, shift), Gaussians(random, 20_000, 0));
        // Standard error at 20,000 + 20,000 is at most 0.003.
        Assert.InRange(auc, expected - 0.01, expected + 0.01);
    }

    [Fact]
    public void Refuses_what_has_no_auc()
    {
        Assert.Throws<ArgumentException>(() => Auc.Of([], [1]));
        Assert.Throws<ArgumentException>(() => Auc.Of([1], []));
        Assert.Throws<ArgumentException>(() => Auc.Of([1, double.NaN], [0]));
    }

    internal static double BruteForce(double[] positives, double[] negatives)
    {
        double wins = 0;
        foreach (var p in positives)
        {
            foreach (var n in negatives) wins += p > n ? 1 : p == n ? 0.5 : 0;
        }
        return wins / ((double)positives.Length * negatives.Length);
    }

    internal static double[] Gaussians(Random random, int count, double mean) =>
        Enumerable.Range(0, count).Select(_ => mean + SyntheticAudit.Normal(random)).ToArray();
}
