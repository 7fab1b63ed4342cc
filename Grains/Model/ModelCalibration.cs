using System.Diagnostics;
using Microsoft.Extensions.Logging;
using Unlearning.Removal;
using Unlearning.Wire;

namespace Unlearning.Model;

/// <summary>
/// The first train's calibration of a certified model's sigma (and lambda): rounds of pilot measurements on every
/// shard (<see cref="CalibrationSearch"/>), then the chosen sigma and lambda written into the config, persisted before
/// any shard trains with it. The shards' answers depend on their records alone, and the search is arithmetic on them,
/// so a rebuild from the same records chooses the same bits. Concurrent trains share one calibration; a failed one
/// is tried again. Used only from the model grain's turns.
/// </summary>
internal sealed class ModelCalibration(string model, Func<int, IShardGrain> shardOf, ILogger logger)
{
    private Task<ModelConfig>? _running;

    /// <summary>The config to train with: <paramref name="config"/> itself unless it still awaits its calibration.</summary>
    public Task<ModelConfig> EnsureAsync(ModelConfig config, ShardSetup setup, Func<ModelConfig, Task> persist)
    {
        if (config.Certified is not { AwaitsCalibration: true }) return Task.FromResult(config);
        if (_running is null || _running.IsFaulted || _running.IsCanceled) _running = RunAsync(config, setup, persist);
        return _running;
    }

    private async Task<ModelConfig> RunAsync(ModelConfig config, ShardSetup setup, Func<ModelConfig, Task> persist)
    {
        var certified = config.Certified!;
        var stopwatch = Stopwatch.StartNew();
        var search = new CalibrationSearch(certified.ChooseLambda ? CalibrationSearch.LambdaGrid : [config.Lambda],
            certified.Removals, certified.Epsilon, certified.Delta);
        while (search.NextRound() is { Count: > 0 } round)
        {
            CalibrationCandidate[] candidates = [.. round];
            search.Record(await Task.WhenAll(Enumerable.Range(0, config.Shards).Select(i => shardOf(i).Calibrate(setup, candidates))));
        }
        var choice = search.Result();
        var calibrated = config with
        {
            Lambda = choice.Lambda,
            Certified = certified with { Sigma = choice.Sigma, Calibration = CalibrationRecord.Of(choice) },
        };
        await persist(calibrated);
        logger.LogInformation(
            "Calibrated model {Model} for {Removals} removals per shard in {Elapsed} ms: sigma {Sigma}, lambda {Lambda}, held-out accuracy {Accuracy} (exact {Exact})",
            model, certified.Removals, stopwatch.ElapsedMilliseconds, choice.Sigma, choice.Lambda, choice.HeldOutAccuracy, choice.ExactHeldOutAccuracy);
        return calibrated;
    }
}
