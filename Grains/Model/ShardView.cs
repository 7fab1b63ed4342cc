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
    /// <summary>
    /// Why the shard is kept out of the ensemble whatever it pushes (a forget failed midway, so what it serves is
    /// unknown) until a call issued since proves what it serves; null when it is not.
    /// </summary>
    public string? Exclusion { get; private set; }
    /// <summary>Since when the shard has been out of the ensemble, for whatever reason; null while it is in.</summary>
    public DateTimeOffset? AbsentSince { get; private set; }
    /// <summary>Whether the model has said (logged) that this absence lasts too long.</summary>
    public bool AbsenceReported { get; set; }
    /// <summary>How many records the shard held when it last said.</summary>
    public long Records { get; set; }

    public bool IsUsable =>
        ForgetsInFlight == 0 && Exclusion is null && Classifier is not null && Snapshot.ForgetsAccepted >= ForgetsAccepted;

    /// <summary>Why the shard is out of the ensemble now; null when it is in.</summary>
    public string? AbsenceReason =>
        Exclusion is not null ? $"excluded: {Exclusion}"
        : ForgetsInFlight > 0 ? "a forget is being accepted"
        : Snapshot.ForgetsAccepted < ForgetsAccepted ? "waiting for weights free of its latest forget"
        : Classifier is null ? "no clean weights (untrained, or retraining after a forget that reached its first slice)"
        : null;

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

    public void Exclude(string reason) => Exclusion ??= reason;

    public void Readmit() => Exclusion = null;

    /// <summary>Notes whether the shard is in the ensemble at <paramref name="now"/>; an absence starts when first seen.</summary>
    public void Observe(DateTimeOffset now)
    {
        if (IsUsable)
        {
            AbsentSince = null;
            AbsenceReported = false;
        }
        else
        {
            AbsentSince ??= now;
        }
    }
}
