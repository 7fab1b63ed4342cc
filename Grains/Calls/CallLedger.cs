using System.Collections.Concurrent;

namespace Unlearning.Calls;

/// <summary>
/// The calls clients watch (<see cref="CallWatch.ContextKey"/>) that reached grains of this silo: running, or finished and
/// when. A finished call is remembered for <see cref="Retention"/>; one still running, however long.
/// </summary>
public sealed class CallLedger(TimeProvider time)
{
    public static readonly TimeSpan Retention = TimeSpan.FromMinutes(10);

    /// <summary>Past this many calls remembered, finished ones older than <see cref="Retention"/> are dropped.</summary>
    private const int PruneAbove = 4096;

    private readonly ConcurrentDictionary<(string Call, GrainId Grain), long?> _finishedAt = new();

    public void Started(string call, GrainId grain)
    {
        if (_finishedAt.Count > PruneAbove) Prune();
        _finishedAt[(call, grain)] = null;
    }

    public void Finished(string call, GrainId grain) => _finishedAt[(call, grain)] = time.GetTimestamp();

    /// <summary>How the call <paramref name="call"/> to <paramref name="grain"/> stands on this silo.</summary>
    public CallProgress Progress(string call, GrainId grain) => _finishedAt.TryGetValue((call, grain), out var finished)
        ? finished is null ? CallProgress.Running : CallProgress.Finished
        : CallProgress.Unknown;

    private void Prune()
    {
        var now = time.GetTimestamp();
        foreach (var (key, finished) in _finishedAt)
            if (finished is { } at && time.GetElapsedTime(at, now) > Retention) _finishedAt.TryRemove(key, out _);
    }
}
