using System.Diagnostics;
using System.Diagnostics.Metrics;

namespace Unlearning.Telemetry;

/// <summary>
/// The grains' instruments, on meter <see cref="TelemetryNames.Meter"/>; one per silo (a singleton). The README's
/// "Observability" section lists them with their Prometheus names. Without a listener (no exporter configured) a
/// recording costs a check of a flag.
/// </summary>
public sealed class UnlearningMetrics
{
    /// <summary>Bucket bounds of the duration histograms, in seconds: a forget takes from milliseconds to minutes.</summary>
    public static readonly IReadOnlyList<double> SecondsBuckets =
        [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300];

    private readonly Histogram<double> _forgetDuration;
    private readonly Histogram<double> _timeToCompliance;
    private readonly Counter<long> _predictions;
    private readonly Histogram<double> _predictionDuration;
    private readonly Counter<long> _ingested;
    private readonly UpDownCounter<long> _retrainsInFlight;
    private readonly UpDownCounter<long> _retrainsQueued;

    public UnlearningMetrics(IMeterFactory meters, ShardReadings shards)
    {
        Shards = shards;
        var meter = meters.Create(TelemetryNames.Meter);
        var seconds = new InstrumentAdvice<double> { HistogramBucketBoundaries = SecondsBuckets };
        _forgetDuration = meter.CreateHistogram("unlearning.forget.duration", "s",
            "Time from a forget's arrival at its model to its receipt (retrained weights served, storage scrubbed)", advice: seconds);
        _timeToCompliance = meter.CreateHistogram("unlearning.forget.time_to_compliance", "s",
            "Time from a forget's arrival at its model until no prediction can use the subject's records: the shard has removed and persisted the removal and serves weights that never saw them", advice: seconds);
        _predictions = meter.CreateCounter<long>("unlearning.predictions", "{prediction}", "Rows predicted (predict, evaluate, explain)");
        _predictionDuration = meter.CreateHistogram("unlearning.prediction.duration", "s",
            "Time a model grain takes to answer one prediction call", advice: seconds);
        _ingested = meter.CreateCounter<long>("unlearning.ingest.records", "{record}", "Records committed by ingests, counted once per record as its shard commits it: its rate is the ingest rate");
        _retrainsInFlight = meter.CreateUpDownCounter<long>("unlearning.retrains.in_flight", "{retrain}",
            "Slice fits of shard retrains running on this silo's compute threads");
        _retrainsQueued = meter.CreateUpDownCounter<long>("unlearning.retrains.queued", "{retrain}",
            "Slice fits of shard retrains waiting for a compute thread on this silo");
        meter.CreateObservableGauge("unlearning.shards", shards.States, "{shard}", "Shard activations on this silo by state");
        meter.CreateObservableGauge("unlearning.model.records", shards.RecordsPerModel, "{record}",
            "Records the shards on this silo hold, by model (sum over silos for a model's total)");
        meter.CreateObservableGauge("unlearning.certified.budget.spent", shards.BudgetSpent, "1",
            "For auditors: the largest fraction of its removal budget any certified shard of the model on this silo has spent, in steps of 0.01");
    }

    /// <summary>What the shards on this silo report for the gauges.</summary>
    public ShardReadings Shards { get; }

    /// <summary>A forget's receipt; <paramref name="method"/> is null when the subject had no records there.</summary>
    public void Forgotten(string model, ForgetMethod? method, TimeSpan elapsed) =>
        _forgetDuration.Record(elapsed.TotalSeconds, Model(model), new(TelemetryNames.Method, MethodName(method)));

    public void Compliant(string model, TimeSpan elapsed) => _timeToCompliance.Record(elapsed.TotalSeconds, Model(model));

    public void Predicted(string model, int rows, long startedTimestamp)
    {
        if (_predictions.Enabled) _predictions.Add(rows, Model(model));
        if (_predictionDuration.Enabled) _predictionDuration.Record(Stopwatch.GetElapsedTime(startedTimestamp).TotalSeconds, Model(model));
    }

    public void Ingested(string model, long records)
    {
        if (records > 0) _ingested.Add(records, Model(model));
    }

    /// <summary>A slice fit queued for a compute thread; call <see cref="SliceFit.Started"/> on it, dispose it when done.</summary>
    public SliceFit FitQueued()
    {
        _retrainsQueued.Add(1);
        return new SliceFit(this);
    }

    private static KeyValuePair<string, object?> Model(string model) => new(TelemetryNames.Model, model);

    private static string MethodName(ForgetMethod? method) => method switch
    {
        ForgetMethod.Exact => "exact",
        ForgetMethod.Certified => "certified",
        ForgetMethod.Retrain => "retrain",
        ForgetMethod.Influence => "influence",
        _ => "none",
    };

    /// <summary>One slice fit, counted as queued, then in flight, then gone.</summary>
    public sealed class SliceFit(UnlearningMetrics metrics) : IDisposable
    {
        private const int Queued = 0, Running = 1, Done = 2;
        private int _stage = Queued;

        public void Started()
        {
            if (Interlocked.CompareExchange(ref _stage, Running, Queued) != Queued) return;
            metrics._retrainsQueued.Add(-1);
            metrics._retrainsInFlight.Add(1);
        }

        public void Dispose()
        {
            switch (Interlocked.Exchange(ref _stage, Done))
            {
                case Queued: metrics._retrainsQueued.Add(-1); break;
                case Running: metrics._retrainsInFlight.Add(-1); break;
            }
        }
    }
}
