using Unlearning.Learning;

namespace Unlearning.Model;

/// <summary>
/// The aggregator's view of one shard: the newest snapshot it pushed, and the forgets the aggregator has
/// sent it. A shard with a forget in flight, or whose snapshot predates an accepted forget, is left out.
/// </summary>
internal sealed class ShardView(int index, Func<double[]?, IClassifier?> classifierOf)
{
    public int Index { get; } = index;
    public ShardSnapshot Snapshot { get; private set; } = new(index, 0, 0, null);
    /// <summary>The served weights, ready to predict with.</summary>
    public IClassifier? Classifier { get; private set; }
    public int ForgetsInFlight { get; set; }
    public long RequiredCleanThrough { get; private set; }
    /// <summary>Set when a forget failed midway: the shard stays out until it says again what it serves.</summary>
    public bool Suspended { get; set; }

    public bool IsUsable =>
        ForgetsInFlight == 0 && !Suspended && Classifier is not null && Snapshot.CleanThrough >= RequiredCleanThrough;

    /// <summary>Takes a snapshot unless an equal or newer one is already held (pushes and replies may cross).</summary>
    public bool Offer(ShardSnapshot snapshot)
    {
        if (snapshot.Version <= Snapshot.Version && Snapshot.Version != 0) return false;
        Snapshot = snapshot;
        Classifier = classifierOf(snapshot.Weights);
        return true;
    }

    public void RequireCleanThrough(long forgetsAccepted) =>
        RequiredCleanThrough = Math.Max(RequiredCleanThrough, forgetsAccepted);
}
