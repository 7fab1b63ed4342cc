namespace Unlearning.Client.Verification;

/// <summary>
/// A seeded, stratified bootstrap percentile interval for an AUC: positives and negatives are resampled apart,
/// so every resample keeps the sample's class sizes, as the audit's design fixes them.
/// </summary>
internal static class AucBootstrap
{
    public const int DefaultResamples = 1_000;

    public static (double Low, double High) Interval95(
        ReadOnlySpan<double> positives, ReadOnlySpan<double> negatives, int seed, int resamples = DefaultResamples) =>
        Interval95(TieGroups.Of(positives, negatives), seed, resamples);

    public static (double Low, double High) Interval95(TieGroups groups, int seed, int resamples = DefaultResamples)
    {
        var replicates = Replicates(groups, seed, resamples);
        Array.Sort(replicates);
        return (Quantile(replicates, 0.025), Quantile(replicates, 0.975));
    }

    /// <summary>
    /// Each resample's AUC, in draw order. The scores are sorted once; a resample only tallies its draws by tie
    /// group, so it costs O(n + groups) rather than a sort.
    /// </summary>
    public static double[] Replicates(TieGroups groups, int seed, int resamples)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(resamples);
        var random = new SplitMix64(unchecked((ulong)seed));
        var positives = new int[groups.Count];
        var negatives = new int[groups.Count];
        var positiveGroups = groups.PositiveGroups;
        var negativeGroups = groups.NegativeGroups;
        var replicates = new double[resamples];
        for (var r = 0; r < resamples; r++)
        {
            Array.Clear(positives);
            Array.Clear(negatives);
            for (var i = 0; i < positiveGroups.Length; i++) positives[positiveGroups[random.Below(positiveGroups.Length)]]++;
            for (var j = 0; j < negativeGroups.Length; j++) negatives[negativeGroups[random.Below(negativeGroups.Length)]]++;
            replicates[r] = TieGroups.AucOfTallies(positives, negatives);
        }
        return replicates;
    }

    /// <summary>The q-quantile of sorted values, interpolating between neighbours (Hyndman and Fan's type 7).</summary>
    public static double Quantile(double[] sorted, double q)
    {
        var position = q * (sorted.Length - 1);
        var below = (int)Math.Floor(position);
        var above = Math.Min(below + 1, sorted.Length - 1);
        return sorted[below] + (position - below) * (sorted[above] - sorted[below]);
    }
}
