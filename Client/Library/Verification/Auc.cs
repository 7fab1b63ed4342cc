namespace Unlearning.Client.Verification;

/// <summary>Area under the ROC curve of a score separating positives from negatives.</summary>
internal static class Auc
{
    /// <summary>
    /// P(positive score &gt; negative score) + ½ P(equal), over all pairs: the Mann-Whitney statistic with ties at
    /// average ranks, in O(n log n). 1 ranks every positive above every negative, 0.5 cannot tell them apart.
    /// </summary>
    public static double Of(ReadOnlySpan<double> positives, ReadOnlySpan<double> negatives) =>
        TieGroups.Of(positives, negatives).Auc();
}
