using System.Diagnostics;
using Unlearning.Client;
using Unlearning.Client.Calls;
using Unlearning.Learning;
using Unlearning.TestKit;
using Unlearning.Tests.Support;
using static Unlearning.Tests.Support.ModelHelpers;

namespace Unlearning.Tests.Chaos;

/// <summary>
/// Runs one schedule against a live cluster, with predictions streaming all along, then brings the cluster back
/// to three silos and checks the end state against the truth: every acknowledged ingest and forget is reflected,
/// every unacknowledged one is all or nothing, status tells the truth, no call outlived its timeout, and the model
/// predicts bit for bit as a fresh build of the surviving records.
/// </summary>
public sealed class ChaosRun(PostgresCluster cluster, IClusterClient client, ChaosSchedule schedule, Action<string> log)
{
    private static readonly TimeSpan CallTimeout = TimeSpan.FromSeconds(90);
    private static readonly TimeSpan PredictTimeout = TimeSpan.FromSeconds(30);
    private const int LiveSilos = 3;

    private enum Outcome { Acknowledged, Unknown }

    private readonly List<(DataRecord[] Records, Outcome Outcome)> _ingests = [];
    private readonly List<(string Subject, Outcome Outcome)> _forgets = [];
    private readonly List<string> _violations = [];
    private readonly Stopwatch _clock = Stopwatch.StartNew();
    private readonly Random _random = new((int)(StableKeyHash.Of(schedule.Name, 2) & 0x7fffffff));
    private int _predictionsOk, _predictionsFailed, _kills;
    private HashSet<int> _victimShards = [];

    public async Task<string> RunAsync()
    {
        var data = Dataset.Wdbc();
        var (train, holdout) = data.Split();
        var pool = Subjects(train, schedule.Name);
        var probe = Rows(holdout);
        var name = ClusterFixture.UniqueName("chaos");
        var model = client.GetGrain<IModelGrain>(name);
        var config = data.Config(name, schedule.Shards, schedule.Slices);

        await Retry("create", () => model.Create(config));
        var next = 0;
        while (next < pool.Length && pool[..next].Sum(s => s.Length) < schedule.InitialRecords)
        {
            var batch = pool[next..Math.Min(pool.Length, next + 10)];
            await Retry("initial ingest", () => model.Ingest([.. batch.SelectMany(s => s)]));
            _ingests.Add(([.. batch.SelectMany(s => s)], Outcome.Acknowledged));
            next += batch.Length;
        }
        await Retry("train", () => model.Train());

        using var stopPredicting = new CancellationTokenSource();
        var predicting = PredictAllAlongAsync(model, probe, stopPredicting.Token);
        foreach (var step in schedule.Steps)
        {
            switch (step)
            {
                case ChaosStep.Ingest ingest:
                    var take = Math.Max(1, Math.Min(pool.Length - next, ingest.Size / 2));
                    if (take <= 0 || next >= pool.Length) break;
                    var records = pool[next..(next + take)].SelectMany(s => s).ToArray();
                    next += take;
                    _ingests.Add((records, await TryAsync($"ingest {records.Length}", m => m.Ingest(records), model)));
                    break;
                case ChaosStep.Forget forget when PickSubject(forget.Pick, forget.OnVictim) is { } subject:
                    _forgets.Add((subject, await TryAsync($"forget {subject}", m => m.Forget(subject), model)));
                    break;
                case ChaosStep.ForgetWhileKilling forget:
                    var victim = await ChooseVictimAsync(model, forget.Silo);
                    if (victim is null || PickSubject(forget.Pick, onVictim: true) is not { } doomed) break;
                    var forgetting = TryAsync($"forget {doomed} (killing)", m => m.Forget(doomed), model);
                    await Task.Delay(_random.Next(0, 20));
                    Kill(victim);
                    _forgets.Add((doomed, await forgetting));
                    break;
                case ChaosStep.Kill kill:
                    await KillAsync(model, kill.Silo);
                    break;
                case ChaosStep.Restart when cluster.Live.Count() < LiveSilos:
                    await cluster.StartSiloAsync();
                    log($"{_clock.Elapsed.TotalSeconds:F1} s: a silo joined ({cluster.Live.Count()} live)");
                    break;
                case ChaosStep.Pause pause:
                    await Task.Delay(pause.Milliseconds);
                    break;
            }
        }

        while (cluster.Live.Count() < LiveSilos) await cluster.StartSiloAsync();
        await Task.Delay(500);
        stopPredicting.Cancel();
        await predicting;

        await CheckAsync(model, data, config, pool, probe);
        return $"{schedule.Name}: {_ingests.Count} ingests ({_ingests.Count(i => i.Outcome == Outcome.Unknown)} unacknowledged), " +
            $"{_forgets.Count} forgets ({_forgets.Count(f => f.Outcome == Outcome.Unknown)} unacknowledged), {_kills} kills, " +
            $"{_predictionsOk} predictions answered and {_predictionsFailed} failed, in {_clock.Elapsed.TotalSeconds:F0} s";
    }

    private async Task CheckAsync(IModelGrain model, Dataset data, ModelConfig config, DataRecord[][] pool, double[][] probe)
    {
        var status = await SettledStatusAsync(model);
        var sent = _ingests.SelectMany(i => i.Records.Select(r => (Record: r, i.Outcome))).ToArray();
        var subjects = sent.Select(s => s.Record.Subject).Distinct().ToArray();
        var counts = (await Retry("count", () => model.CountRecords(subjects))).Select((count, i) => (subjects[i], count)).ToDictionary();
        var full = sent.GroupBy(s => s.Record.Subject).ToDictionary(g => g.Key, g => g.Count());
        var forgotten = _forgets.ToDictionary(f => f.Subject, f => f.Outcome);

        foreach (var subject in subjects)
        {
            var count = counts[subject];
            if (forgotten.TryGetValue(subject, out var forget))
            {
                if (forget == Outcome.Acknowledged && count != 0) _violations.Add($"acknowledged forget of {subject}: {count} records still held");
                else if (count != 0 && count != full[subject]) _violations.Add($"forget of {subject} half done: {count} of {full[subject]} records");
            }
            else if (count != 0 && count != full[subject])
            {
                _violations.Add($"subject {subject}: {count} of {full[subject]} records (torn)");
            }
        }
        foreach (var (records, outcome) in _ingests)
        {
            var held = records.Select(r => r.Subject).Distinct().Where(s => !forgotten.ContainsKey(s)).Select(s => counts[s] > 0).Distinct().ToArray();
            if (outcome == Outcome.Acknowledged && held.Contains(false)) _violations.Add($"acknowledged ingest of {records.Length} records not (all) held");
            if (held.Length > 1) _violations.Add($"ingest of {records.Length} records half there: all or nothing broken");
        }

        var surviving = sent.Select(s => s.Record).Where(r => counts[r.Subject] > 0).ToArray();
        if (status.Records != surviving.Length) _violations.Add($"status says {status.Records} records, {surviving.Length} are held");
        if (status.ShardsUsed != config.Shards) _violations.Add($"status says predictions use {status.ShardsUsed} of {config.Shards} shards");
        if (_violations.Count > 0) throw new ChaosFailure(schedule, _violations);

        // A fresh build of exactly the surviving records, sent in another order and batching.
        var freshName = ClusterFixture.UniqueName("fresh");
        var fresh = client.GetGrain<IModelGrain>(freshName);
        await Retry("create fresh", () => fresh.Create(config with { Name = freshName }));
        foreach (var batch in surviving.OrderBy(r => StableKeyHash.Of(r.Id, 99)).Chunk(37)) await Retry("ingest fresh", () => fresh.Ingest(batch));
        await Retry("train fresh", () => fresh.Train());
        var expected = await Retry("predict fresh", () => fresh.Predict(probe));
        var actual = await Retry("predict", () => model.Predict(probe));
        if (actual.ShardsUsed.Length != config.Shards) _violations.Add($"predictions used {actual.ShardsUsed.Length} of {config.Shards} shards");
        var differing = Enumerable.Range(0, probe.Length)
            .Count(i => !Bits(actual.Predictions[i].Probabilities).SequenceEqual(Bits(expected.Predictions[i].Probabilities)));
        if (differing > 0) _violations.Add($"{differing} of {probe.Length} predictions differ from a fresh build of the {surviving.Length} surviving records");
        if (_violations.Count > 0) throw new ChaosFailure(schedule, _violations);
    }

    /// <summary>The model's status once every shard serves, none is excluded and predictions use them all.</summary>
    private async Task<ModelStatus> SettledStatusAsync(IModelGrain model)
    {
        var deadline = Stopwatch.StartNew();
        ModelStatus? status = null;
        while (deadline.Elapsed < TimeSpan.FromMinutes(3))
        {
            try
            {
                status = await model.GetStatus().WaitAsync(TimeSpan.FromSeconds(30));
                if (status.Shards.All(s => s.State == ShardServingState.Serving) && status.ShardsUsed == schedule.Shards) return status;
            }
            catch (Exception error)
            {
                log($"status: {error.GetType().Name}");
            }
            await Task.Delay(500);
        }
        throw new ChaosFailure(schedule, [$"the model did not settle in 3 minutes: {Describe(status)}"]);
    }

    private static string Describe(ModelStatus? status) => status is null ? "no status" :
        $"{status.ShardsUsed} shards used, states {string.Join(",", status.Shards.Select(s => $"{s.Index}:{s.State}{(s.Exclusion is null ? "" : $"({s.Exclusion})")}"))}, " +
        $"alerts: {string.Join("; ", status.Alerts ?? [])}";

    private string? PickSubject(int pick, bool onVictim = false)
    {
        var gone = _forgets.Select(f => f.Subject).ToHashSet();
        var held = _ingests.Where(i => i.Outcome == Outcome.Acknowledged).SelectMany(i => i.Records.Select(r => r.Subject))
            .Distinct().Where(s => !gone.Contains(s) && (!onVictim || _victimShards.Contains(Partitioning.ShardOf(s, schedule.Shards)))).ToArray();
        return held.Length == 0 ? null : held[pick % held.Length];
    }

    private async Task KillAsync(IModelGrain model, int silo)
    {
        if (await ChooseVictimAsync(model, silo) is { } victim) Kill(victim);
    }

    private void Kill(SiloProcess victim)
    {
        victim.Kill();
        _kills++;
        log($"{_clock.Elapsed.TotalSeconds:F1} s: SIGKILLed {victim.Name} (port {victim.SiloPort}), host of shards {string.Join(",", _victimShards)}");
    }

    /// <summary>
    /// The live silo to kill (the one hosting most of the model's shards for -1), if a majority of the silos stays
    /// alive; notes the shards it hosts. Null otherwise.
    /// </summary>
    private async Task<SiloProcess?> ChooseVictimAsync(IModelGrain model, int silo)
    {
        // The fault model: fewer than half of the silos down at once. Below a majority, Orleans' membership declares the
        // dead ones dead only once their heartbeats are stale, and silos joining meanwhile wait to reach them.
        var live = cluster.Live.ToArray();
        if (live.Length - 1 <= LiveSilos / 2) return null;
        string[] placement = [];
        try
        {
            placement = [.. (await model.GetStatus().WaitAsync(TimeSpan.FromSeconds(10))).Shards.Select(s => s.Silo)];
        }
        catch (Exception)
        {
            // Placement unknown: the first live silo, and no shard known to be on it.
        }
        int Hosted(SiloProcess s) => placement.Count(p => p.Contains($":{s.SiloPort}:", StringComparison.Ordinal));
        var victim = silo >= 0 ? live[silo % live.Length] : live.OrderByDescending(Hosted).First();
        _victimShards = [.. placement.Select((p, i) => (p, i)).Where(x => x.p.Contains($":{victim.SiloPort}:", StringComparison.Ordinal)).Select(x => x.i)];
        return victim;
    }

    private async Task PredictAllAlongAsync(IModelGrain model, double[][] probe, CancellationToken stop)
    {
        while (!stop.IsCancellationRequested)
        {
            var started = _clock.Elapsed;
            using var deadline = new CancellationTokenSource(PredictTimeout);
            try
            {
                await Guarded(model, deadline.Token).Predict(probe);
                _predictionsOk++;
            }
            catch (OperationCanceledException) when (deadline.IsCancellationRequested)
            {
                Violation($"a prediction issued at {started.TotalSeconds:F1} s got no answer within {PredictTimeout.TotalSeconds} s");
            }
            catch (Exception)
            {
                _predictionsFailed++;
                await Task.Delay(100);
            }
            await Task.Delay(50);
        }
    }

    /// <summary>The model as the client library guards it: reads retried, long calls watched, everything bounded by <paramref name="stop"/>.</summary>
    private static GuardedModelGrain Guarded(IModelGrain model, CancellationToken stop) => new(model, stop, GuardPolicy);

    // Reads retried until the caller's own deadline; each attempt and each watch bounded tighter than a command's.
    private static readonly CallPolicy GuardPolicy = CallPolicy.Create(new UnlearningResilienceOptions
    {
        ReadRetryWindow = Timeout.InfiniteTimeSpan,
        ReadAttemptTimeout = TimeSpan.FromSeconds(5),
        WatchInterval = TimeSpan.FromSeconds(1),
        UnansweredChecks = 5,
    });

    /// <summary>
    /// One attempt through the client library's guard: acknowledged, or failed with its outcome unknown. A call that
    /// needs its whole timeout to end is a violation: the guard should have noticed its answer would not come.
    /// </summary>
    private async Task<Outcome> TryAsync<T>(string what, Func<IModelGrain, Task<T>> call, IModelGrain model)
    {
        var started = _clock.Elapsed;
        using var deadline = new CancellationTokenSource(CallTimeout);
        try
        {
            await call(Guarded(model, deadline.Token));
            log($"{started.TotalSeconds:F1} s: {what}: done in {(_clock.Elapsed - started).TotalMilliseconds:F0} ms");
            return Outcome.Acknowledged;
        }
        catch (OperationCanceledException) when (deadline.IsCancellationRequested)
        {
            Violation($"{what} at {started.TotalSeconds:F1} s got no answer within {CallTimeout.TotalSeconds} s");
            return Outcome.Unknown;
        }
        catch (Exception error)
        {
            log($"{started.TotalSeconds:F1} s: {what}: failed after {(_clock.Elapsed - started).TotalMilliseconds:F0} ms ({error.GetType().Name}: {error.Message.Split('\n')[0]})");
            return Outcome.Unknown;
        }
    }

    private void Violation(string what)
    {
        lock (_violations) _violations.Add(what);
    }

    /// <summary>Calls made outside the faults (set-up and checks): retried until they answer.</summary>
    private async Task<T> Retry<T>(string what, Func<Task<T>> call)
    {
        var deadline = Stopwatch.StartNew();
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                return await call().WaitAsync(CallTimeout);
            }
            catch (Exception error) when (deadline.Elapsed < TimeSpan.FromMinutes(3) && error is not ArgumentException)
            {
                log($"{what}: attempt {attempt} failed ({error.GetType().Name})");
                await Task.Delay(Math.Min(2000, 200 * attempt));
            }
        }
    }

    /// <summary>The records grouped into subjects (every seventh subject holds three records), in a seeded order.</summary>
    private static DataRecord[][] Subjects(DataRecord[] train, string seed)
    {
        var grouped = train.Select((r, i) => r with { Subject = i % 21 < 3 ? $"family-{i / 21}" : r.Subject })
            .GroupBy(r => r.Subject).Select(g => g.ToArray()).ToArray();
        var random = new Random((int)(StableKeyHash.Of(seed, 1) & 0x7fffffff));
        return [.. grouped.OrderBy(_ => random.Next())];
    }
}

public sealed class ChaosFailure(ChaosSchedule schedule, IEnumerable<string> violations)
    : Exception($"{schedule}\n  " + string.Join("\n  ", violations));
