using Unlearning.Learning;
using Unlearning.Wire;

namespace Unlearning.Model;

/// <summary>
/// The model's view of one shard: the newest snapshot it pushed, and the forgets the model has sent it.
/// A shard with a forget in flight, or whose snapshot predates an accepted forget, is left out of the ensemble.
/// </summary>
internal sealed class ShardView(int index, Func<double[]?, IClassifier?> classifierOf)
{
    public int Index { get; } = index;
    public ShardSnapshot Snapshot { get; private set; } = new(index, 0, 0, null);
    /// <summary>The served weights, ready to predict with.</summary>
    public IClassifier? Classifier { get; private set; }
    public int ForgetsInFlight { get; set; }
    /// <summary>How many forgets the shard has acknowledged to the model: a snapshot must be free of them all.</summary>
    public long ForgetsAccepted { get; private set; }
    /// <summary>Set when a forget failed midway: the shard stays out until it says again what it serves.</summary>
    public bool Suspended { get; set; }
    /// <summary>How many records the shard held when it last said.</summary>
    public long Records { get; set; }

    public bool IsUsable =>
        ForgetsInFlight == 0 && !Suspended && Classifier is not null && Snapshot.ForgetsAccepted >= ForgetsAccepted;

    /// <summary>Takes a snapshot unless an equal or newer one is already held (pushes and replies may cross).</summary>
    public bool Offer(ShardSnapshot snapshot)
    {
        if (snapshot.Version <= Snapshot.Version && Snapshot.Version != 0) return false;
        Snapshot = snapshot;
        Classifier = classifierOf(snapshot.Weights);
        Records = snapshot.Records;
        return true;
    }

    public void RequireForgetsAccepted(long forgetsAccepted) =>
        ForgetsAccepted = Math.Max(ForgetsAccepted, forgetsAccepted);
}
