namespace Unlearning;

/// <summary>Limits and timings of the model and shard grains, bound from the "Unlearning" configuration section.</summary>
public sealed class UnlearningOptions
{
    public const string Section = "Unlearning";

    /// <summary>Most rows one ingest, predict or evaluate call may carry.</summary>
    public int MaxBatchRows { get; set; } = 100_000;

    /// <summary>
    /// How long a shard waits after a change before retraining. Zero (the default) starts at once: forgets the
    /// model holds back while one is in flight reach the shard as one batch, and a forget arriving during a
    /// retrain joins it by cancelling the slice in flight, so waiting only adds latency. A wait can still
    /// suit a feed of many small ingests after training.
    /// </summary>
    public TimeSpan RetrainDelay { get; set; } = TimeSpan.Zero;

    /// <summary>How long a prediction waits when every shard is retraining before it fails.</summary>
    public TimeSpan PredictionWait { get; set; } = TimeSpan.FromSeconds(60);
}
