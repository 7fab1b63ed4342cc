namespace Unlearning;

/// <summary>Limits and timings of the model and shard grains, bound from the "Unlearning" configuration section.</summary>
public sealed class UnlearningOptions
{
    public const string Section = "Unlearning";

    /// <summary>Most rows one ingest, predict or evaluate call may carry.</summary>
    public int MaxBatchRows { get; set; } = 100_000;

    /// <summary>
    /// How long a shard waits after a change before retraining, so that forgets arriving together share one
    /// retrain. A forget arriving later still joins: it cancels the slice in flight. Zero starts at once.
    /// </summary>
    public TimeSpan RetrainDelay { get; set; } = TimeSpan.FromMilliseconds(2);

    /// <summary>How long a prediction waits when every shard is retraining before it fails.</summary>
    public TimeSpan PredictionWait { get; set; } = TimeSpan.FromSeconds(60);
}
