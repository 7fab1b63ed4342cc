using System.Collections.Concurrent;
using System.Diagnostics.Metrics;

namespace Unlearning.Telemetry;

/// <summary>What one shard activation last reported: its state, its records and, when certified, the share of its budget spent.</summary>
public readonly record struct ShardReading(string Model, ShardServingState State, long Records, double? BudgetSpent);

/// <summary>
/// The shard activations of this silo as they last reported themselves (each from its own turns), read by the
/// observable gauges when an exporter collects. A shard that deactivates leaves.
/// </summary>
public sealed class ShardReadings
{
    /// <summary>Budget fractions are reported in steps of this size: finer ones would say how much each removal spent.</summary>
    public const double BudgetStep = 0.01;

    private static readonly ShardServingState[] ReportedStates = [ShardServingState.Untrained, ShardServingState.Serving, ShardServingState.Retraining];

    private readonly ConcurrentDictionary<string, ShardReading> _shards = new(StringComparer.Ordinal);

    public void Report(string shardKey, ShardReading reading) => _shards[shardKey] = reading;

    public void Remove(string shardKey) => _shards.TryRemove(shardKey, out _);

    /// <summary>Shard activations by state; every state is reported, with 0 when none is in it.</summary>
    public IEnumerable<Measurement<long>> States()
    {
        var readings = _shards.Values.ToArray();
        return ReportedStates.Select(state => new Measurement<long>(
            readings.Count(r => r.State == state), new KeyValuePair<string, object?>(TelemetryNames.ShardState, StateName(state))));
    }

    public IEnumerable<Measurement<long>> RecordsPerModel() =>
        _shards.Values.GroupBy(r => r.Model, StringComparer.Ordinal)
            .Select(model => new Measurement<long>(model.Sum(r => r.Records), new KeyValuePair<string, object?>(TelemetryNames.Model, model.Key)));

    public IEnumerable<Measurement<double>> BudgetSpent() =>
        _shards.Values.Where(r => r.BudgetSpent is not null).GroupBy(r => r.Model, StringComparer.Ordinal)
            .Select(model => new Measurement<double>(Coarse(model.Max(r => r.BudgetSpent!.Value)),
                new KeyValuePair<string, object?>(TelemetryNames.Model, model.Key)));

    /// <summary>The spent fraction rounded down to <see cref="BudgetStep"/>, within [0, 1].</summary>
    public static double Coarse(double spent) =>
        double.IsFinite(spent) ? Math.Clamp(Math.Round(Math.Floor(spent / BudgetStep + 1e-9) * BudgetStep, 2), 0, 1) : 1;

    public static string StateName(ShardServingState state) => state.ToString().ToLowerInvariant();
}
