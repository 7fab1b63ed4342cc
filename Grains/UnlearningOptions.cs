namespace Unlearning;

/// <summary>Limits and timings of the model and shard grains, bound from the "Unlearning" configuration section.</summary>
public sealed class UnlearningOptions
{
    public const string Section = "Unlearning";

    /// <summary>Most rows one ingest, predict or evaluate call may carry.</summary>
    public int MaxBatchRows { get; set; } = 100_000;

    /// <summary>
    /// How long a shard waits after a change before retraining. Zero (the default) starts at once, after
    /// the forgets already queued at the shard are accepted; a forget arriving later cancels the slice in
    /// flight and joins the same retrain. A delay trades latency for fewer cancelled fits in bursts.
    /// </summary>
    public TimeSpan RetrainDelay { get; set; } = TimeSpan.Zero;

    /// <summary>How long a prediction waits when every shard is retraining before it fails.</summary>
    public TimeSpan PredictionWait { get; set; } = TimeSpan.FromSeconds(60);
}
