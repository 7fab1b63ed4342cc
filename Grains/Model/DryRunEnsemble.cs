using Unlearning.Learning;

namespace Unlearning.Model;

/// <summary>The ensemble a dry run predicts with "after" a forget: every member as it is, the forgetting shard replaced by its estimate.</summary>
internal static class DryRunEnsemble
{
    /// <param name="members">The serving ensemble's members, in shard order.</param>
    /// <param name="shard">The shard that would forget.</param>
    /// <param name="estimated">Its estimated classifier after the forget; null when it would have nothing left to serve.</param>
    public static IReadOnlyList<IClassifier> After(IReadOnlyList<(int Shard, IClassifier Classifier)> members, int shard, IClassifier? estimated)
    {
        var after = members.Where(m => m.Shard != shard).ToList();
        if (estimated is not null) after.Insert(after.Count(m => m.Shard < shard), (shard, estimated));
        return [.. after.Select(m => m.Classifier)];
    }
}
