namespace Unlearning.Client.Verification;

/// <summary>
/// Positive and negative scores sorted once into groups of equal values, lowest first. Any weighting of the
/// scores (the original sample, or a bootstrap resample) then has its AUC in one pass over the groups.
/// </summary>
internal sealed class TieGroups
{
    private TieGroups(int[] positiveGroups, int[] negativeGroups, int count)
    {
        PositiveGroups = positiveGroups;
        NegativeGroups = negativeGroups;
        Count = count;
    }

    /// <summary>The group of each positive score, in input order.</summary>
    public int[] PositiveGroups { get; }

    /// <summary>The group of each negative score, in input order.</summary>
    public int[] NegativeGroups { get; }

    /// <summary>How many distinct score values there are.</summary>
    public int Count { get; }

    public static TieGroups Of(ReadOnlySpan<double> positives, ReadOnlySpan<double> negatives)
    {
        if (positives.IsEmpty || negatives.IsEmpty)
        {
            throw new ArgumentException("an AUC needs at least one positive and one negative score");
        }
        // Twice the win count must fit a long: see AucOfTallies.
        if ((double)positives.Length * negatives.Length > 1e18)
        {
            throw new ArgumentException("too many scores for an exact AUC");
        }

        var total = positives.Length + negatives.Length;
        var keys = new double[total];
        var owners = new int[total];
        for (var i = 0; i < total; i++)
        {
            keys[i] = i < positives.Length ? positives[i] : negatives[i - positives.Length];
            if (double.IsNaN(keys[i])) throw new ArgumentException($"score {i} is NaN: it has no rank");
            owners[i] = i;
        }
        Array.Sort(keys, owners);

        var positiveGroups = new int[positives.Length];
        var negativeGroups = new int[negatives.Length];
        var group = -1;
        for (var i = 0; i < total; i++)
        {
            if (i == 0 || keys[i] != keys[i - 1]) group++;
            if (owners[i] < positives.Length) positiveGroups[owners[i]] = group;
            else negativeGroups[owners[i] - positives.Length] = group;
        }
        return new TieGroups(positiveGroups, negativeGroups, group + 1);
    }

    /// <summary>The AUC with every score counted once.</summary>
    public double Auc() => WeightedAuc(null, null);

    /// <summary>The AUC with score i counted weights[i] times (null: once each).</summary>
    public double WeightedAuc(int[]? positiveWeights, int[]? negativeWeights)
    {
        var positives = new int[Count];
        var negatives = new int[Count];
        for (var i = 0; i < PositiveGroups.Length; i++) positives[PositiveGroups[i]] += positiveWeights?[i] ?? 1;
        for (var j = 0; j < NegativeGroups.Length; j++) negatives[NegativeGroups[j]] += negativeWeights?[j] ?? 1;
        return AucOfTallies(positives, negatives);
    }

    /// <summary>
    /// The Mann-Whitney AUC from how many positives and negatives each group holds: a positive beats every
    /// negative in a lower group and ties half of those in its own. That is the average-rank U statistic,
    /// counted in integers (twice the wins, so the half stays exact) and divided once.
    /// </summary>
    public static double AucOfTallies(ReadOnlySpan<int> positives, ReadOnlySpan<int> negatives)
    {
        long below = 0, positiveTotal = 0, twiceWins = 0;
        for (var g = 0; g < positives.Length; g++)
        {
            twiceWins += positives[g] * (2 * below + negatives[g]);
            below += negatives[g];
            positiveTotal += positives[g];
        }
        if (positiveTotal == 0 || below == 0) throw new ArgumentException("an AUC needs positive and negative weight");
        return twiceWins / (2.0 * positiveTotal * below);
    }
}
