namespace Unlearning;

/// <summary>Limits and timings of the model and shard grains, bound from the "Unlearning" configuration section.</summary>
public sealed class UnlearningOptions
{
    public const string Section = "Unlearning";

    /// <summary>Most rows one ingest, predict or evaluate call may carry.</summary>
    public int MaxBatchRows { get; set; } = 100_000;

    /// <summary>
    /// How long a shard holds off retraining after a change that is part of a burst (an ingest, or a forget
    /// sent while the model has others in flight), so the burst shares one retrain instead of each change
    /// cancelling the last one's. A lone forget retrains at once. A forget arriving later still joins: it
    /// cancels the slice in flight.
    /// </summary>
    public TimeSpan RetrainDelay { get; set; } = TimeSpan.FromMilliseconds(2);

    /// <summary>How long a prediction waits when every shard is retraining before it fails.</summary>
    public TimeSpan PredictionWait { get; set; } = TimeSpan.FromSeconds(60);
}
