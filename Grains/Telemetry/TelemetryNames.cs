namespace Unlearning.Telemetry;

/// <summary>
/// The names under which the cluster's own metrics and spans appear, and the attributes they carry. Attributes name
/// models, shards, states and methods only: never a subject, a record id or a feature value.
/// </summary>
public static class TelemetryNames
{
    /// <summary>The meter of the grains' instruments (<see cref="UnlearningMetrics"/>).</summary>
    public const string Meter = "Unlearning";

    /// <summary>The activity source of the grains' spans (<see cref="Spans"/>).</summary>
    public const string ActivitySource = "Unlearning";

    /// <summary>The model's name.</summary>
    public const string Model = "unlearning.model";

    /// <summary>A shard's index within its model.</summary>
    public const string Shard = "unlearning.shard";

    /// <summary>What a shard is doing: untrained, serving, retraining (<see cref="ShardServingState"/>).</summary>
    public const string ShardState = "unlearning.shard.state";

    /// <summary>How a forget was carried out: exact, certified, retrain, none (<see cref="Unlearning.ForgetMethod"/>).</summary>
    public const string Method = "unlearning.forget.method";

    /// <summary>How many records a change removed or added.</summary>
    public const string Records = "unlearning.records";

    /// <summary>How many subjects one shard call forgot together.</summary>
    public const string Subjects = "unlearning.subjects";

    /// <summary>The first slice a retrain computes again.</summary>
    public const string Slice = "unlearning.slice";
}
