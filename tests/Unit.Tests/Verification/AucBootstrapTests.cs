using Unlearning.Client.Verification;

namespace Unlearning.Tests.Verification;

public sealed class AucBootstrapTests
{
    [Fact]
    public void A_weighted_sample_has_the_auc_of_its_scores_repeated()
    {
        // What each resample computes from its tallies, against the resample written out in full.
        var random = new Random(5);
        for (var trial = 0; trial < 20; trial++)
        {
            var p = Enumerable.Range(0, 1 + random.Next(60)).Select(_ => (double)random.Next(8)).ToArray();
            var n = Enumerable.Range(0, 1 + random.Next(60)).Select(_ => (double)random.Next(8)).ToArray();
            var pw = p.Select(_ => random.Next(4)).ToArray();
            var nw = n.Select(_ => random.Next(4)).ToArray();
            pw[0]++;
            nw[0]++;
            var expanded = (Positives: Repeat(p, pw), Negatives: Repeat(n, nw));
            Assert.Equal(AucTests.BruteForce(expanded.Positives, expanded.Negatives), TieGroups.Of(p, n).WeightedAuc(pw, nw), 15);
        }
    }

    [Fact]
    public void Is_the_same_for_a_seed_and_differs_across_seeds()
    {
        var random = new Random(3);
        var p = AucTests.Gaussians(random, 300, 0.7);
        var n = AucTests.Gaussians(random, 400, 0);
        var first = AucBootstrap.Interval95(p, n, seed: 42);
        Assert.Equal(first, AucBootstrap.Interval95(p, n, seed: 42));
        Assert.NotEqual(first, AucBootstrap.Interval95(p, n, seed: 43));
        var groups = TieGroups.Of(p, n);
        Assert.Equal(AucBootstrap.Replicates(groups, 42, 200), AucBootstrap.Replicates(groups, 42, 200));
        Assert.True(first.Low < Auc.Of(p, n) && Auc.Of(p, n) < first.High);
    }

    [Fact]
    public void Covers_the_true_auc_in_most_trials_and_is_as_wide_as_the_sampling_error()
    {
        // N(1, 1) against N(0, 1): true AUC Φ(1/√2). Hanley and McNeil's standard error at 200 + 200 is 0.024, so
        // a 95% interval is about 0.094 wide; one too wide would cover trivially, one too narrow would miss.
        const double truth = 0.7602499389065233;
        const int trials = 50;
        var covered = 0;
        var width = 0.0;
        for (var trial = 0; trial < trials; trial++)
        {
            var random = new Random(1000 + trial);
            var (low, high) = AucBootstrap.Interval95(
                AucTests.Gaussians(random, 200, 1), AucTests.Gaussians(random, 200, 0), seed: trial);
            if (low <= truth && truth <= high) covered++;
            width += (high - low) / trials;
        }
        // Binomial(50, 0.95) is 43 or more with probability 0.99.
        Assert.InRange(covered, 43, trials);
        Assert.InRange(width, 0.08, 0.11);
    }

    [Fact]
    public void Resamples_each_class_apart()
    {
        // Every resample keeps both classes at full size, so a perfect separation stays perfect.
        Assert.Equal((1.0, 1.0), AucBootstrap.Interval95([3, 4, 5], [0, 1], seed: 9));
        Assert.All(AucBootstrap.Replicates(TieGroups.Of([2], [1]), 9, 50), auc => Assert.Equal(1.0, auc));
    }

    [Fact]
    public void Quantiles_interpolate_between_order_statistics()
    {
        double[] sorted = [10, 20, 30, 40, 50];
        Assert.Equal(10, AucBootstrap.Quantile(sorted, 0));
        Assert.Equal(50, AucBootstrap.Quantile(sorted, 1));
        Assert.Equal(30, AucBootstrap.Quantile(sorted, 0.5));
        Assert.Equal(11, AucBootstrap.Quantile(sorted, 0.025), 12);
        Assert.Equal(49, AucBootstrap.Quantile(sorted, 0.975), 12);
    }

    private static double[] Repeat(double[] values, int[] weights) =>
        values.SelectMany((v, i) => Enumerable.Repeat(v, weights[i])).ToArray();
}
