using System.Diagnostics;

namespace Unlearning.Telemetry;

/// <summary>
/// The spans of a forget: the model's <c>unlearning.forget</c>, the shard's <c>unlearning.shard.forget</c>, the
/// <c>unlearning.shard.retrain</c> it starts (one <c>unlearning.shard.checkpoint</c> per slice fitted) and the model's
/// <c>unlearning.forget.receipt</c> (waiting for clean weights, scrubbing storage). With Orleans' activity propagation
/// on client and silos, a client's span, Orleans' call spans and these make one trace per forget. Without a listener
/// (no exporter configured) nothing is created.
/// </summary>
public static class Spans
{
    private static readonly ActivitySource Source = new(TelemetryNames.ActivitySource);

    public static Activity? Forget(string model) =>
        Source.StartActivity("unlearning.forget")?.SetTag(TelemetryNames.Model, model);

    public static Activity? Receipt(string model, int shard) =>
        Source.StartActivity("unlearning.forget.receipt")?.SetTag(TelemetryNames.Model, model).SetTag(TelemetryNames.Shard, shard);

    public static Activity? ShardForget(string model, int shard, int subjects) =>
        Source.StartActivity("unlearning.shard.forget")?.SetTag(TelemetryNames.Model, model).SetTag(TelemetryNames.Shard, shard)
            .SetTag(TelemetryNames.Subjects, subjects);

    /// <summary>A shard's retrain; its parent is whatever started it (a forget, an ingest, a train), or none after a reactivation.</summary>
    public static Activity? Retrain(string model, int shard, int fromSlice) =>
        Source.StartActivity("unlearning.shard.retrain")?.SetTag(TelemetryNames.Model, model).SetTag(TelemetryNames.Shard, shard)
            .SetTag(TelemetryNames.Slice, fromSlice);

    public static Activity? Checkpoint(int slice) =>
        Source.StartActivity("unlearning.shard.checkpoint")?.SetTag(TelemetryNames.Slice, slice);

    /// <summary>Marks <paramref name="span"/> failed with the exception's type only: messages may name records.</summary>
    public static void Failed(this Activity? span, Exception error)
    {
        if (span is null) return;
        span.SetStatus(ActivityStatusCode.Error, error.GetType().Name);
        span.SetTag("error.type", error.GetType().FullName);
    }
}
