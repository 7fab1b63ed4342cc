using Microsoft.Extensions.Logging;

namespace Unlearning.Placement;

/// <summary>
/// The silos a shard's slot is counted among: every silo alive, and those this silo saw die within the last
/// <see cref="Keep"/>, each by its endpoint (a silo restarted on its address and port takes its slot back).
/// <para>
/// Why the dead count: when a silo dies Orleans deactivates the living grains whose directory entry it held and places
/// them again. Counted among the survivors alone, a living shard's slot would move, so shards would pile up on one
/// survivor; counted among the same silos as before, a living shard's slot is its own silo again, and only the dead
/// silo's shards go elsewhere. Every silo watches membership from its start (<see cref="Participate"/>), and a silo
/// that joins after a death reads the membership table once for silos that died before it started, so any of them
/// computes the same slots.
/// </para>
/// </summary>
public sealed partial class SiloSlots(IClusterMembershipService membership, TimeProvider time, ILogger<SiloSlots> logger, IMembershipTable? table = null)
    : ILifecycleParticipant<ISiloLifecycle>
{
    /// <summary>How long a dead silo keeps its slot: long past the re-placements that follow its death (seconds).</summary>
    public static readonly TimeSpan Keep = TimeSpan.FromMinutes(15);

    // Endpoint -> null while alive, or when this silo saw it dead.
    private readonly Dictionary<string, long?> _endpoints = new(StringComparer.Ordinal);
    private const int TableAttempts = 30;

    private readonly CancellationTokenSource _stopping = new();
    private MembershipVersion _seen = MembershipVersion.MinValue;

    public void Participate(ISiloLifecycle lifecycle) =>
        lifecycle.Subscribe(nameof(SiloSlots), ServiceLifecycleStage.RuntimeGrainServices, Start, Stop);

    /// <summary>
    /// The slots, sorted: the silos alive and lately dead by this silo's view of membership, and <paramref name="living"/>
    /// (placement's own list, which may be a version ahead).
    /// </summary>
    public IReadOnlyList<string> Among(IEnumerable<SiloAddress> living)
    {
        Observe(membership.CurrentSnapshot);
        lock (_endpoints)
        {
            var now = time.GetTimestamp();
            var slots = new SortedSet<string>(StringComparer.Ordinal);
            foreach (var (endpoint, diedAt) in _endpoints)
                if (diedAt is not { } at || time.GetElapsedTime(at, now) < Keep) slots.Add(endpoint);
            foreach (var silo in living) slots.Add(EndpointOf(silo));
            return [.. slots];
        }
    }

    /// <summary>A silo's slot name: its address and silo port, not its generation.</summary>
    public static string EndpointOf(SiloAddress silo) => silo.Endpoint.ToString();

    internal void Observe(ClusterMembershipSnapshot snapshot)
    {
        lock (_endpoints)
        {
            if (snapshot.Version <= _seen) return;
            _seen = snapshot.Version;
            var now = time.GetTimestamp();
            foreach (var group in snapshot.Members.Values.GroupBy(member => EndpointOf(member.SiloAddress)))
            {
                if (group.Any(member => member.Status == SiloStatus.Active))
                {
                    _endpoints[group.Key] = null;
                }
                else if (group.All(member => member.Status == SiloStatus.Dead) && _endpoints.TryGetValue(group.Key, out var diedAt) && diedAt is null)
                {
                    _endpoints[group.Key] = now;
                    LogDead(logger, group.Key);
                }
            }
            foreach (var (endpoint, diedAt) in _endpoints.ToArray())
                if (diedAt is { } at && time.GetElapsedTime(at, now) >= Keep) _endpoints.Remove(endpoint);
        }
    }

    /// <summary>
    /// Counts the silos of <paramref name="entries"/> (membership table rows) that were dead before this silo saw them, as
    /// dead since their last sign of life: the latest of their last heartbeat and the suspicions that declared them dead.
    /// The silos that watched the death count from when they saw it, seconds later, so all agree but near the end of
    /// <see cref="Keep"/>.
    /// </summary>
    internal void RememberDeadBeforeStart(IEnumerable<MembershipEntry> entries)
    {
        lock (_endpoints)
        {
            var now = time.GetTimestamp();
            var utcNow = time.GetUtcNow().UtcDateTime;
            foreach (var group in entries.GroupBy(entry => EndpointOf(entry.SiloAddress)))
            {
                if (_endpoints.ContainsKey(group.Key) || !group.All(entry => entry.Status == SiloStatus.Dead)) continue;
                var since = utcNow - group.Max(LastUpdate);
                if (since >= Keep) continue;
                var ticks = (long)(Math.Max(0, since.TotalSeconds) * time.TimestampFrequency);
                _endpoints[group.Key] = now - ticks;
                LogDead(logger, group.Key);
            }
        }
    }

    private static DateTime LastUpdate(MembershipEntry entry)
    {
        var last = entry.IAmAliveTime.ToUniversalTime();
        foreach (var (_, votedAt) in entry.SuspectTimes ?? [])
            if (votedAt.ToUniversalTime() > last) last = votedAt.ToUniversalTime();
        return last;
    }

    private Task Start(CancellationToken cancellationToken)
    {
        Observe(membership.CurrentSnapshot);
        _ = WatchAsync(_stopping.Token);
        _ = ReadTableAsync(_stopping.Token);
        return Task.CompletedTask;
    }

    private Task Stop(CancellationToken cancellationToken)
    {
        _stopping.Cancel();
        return Task.CompletedTask;
    }

    private async Task WatchAsync(CancellationToken stopping)
    {
        try
        {
            await foreach (var snapshot in membership.MembershipUpdates.WithCancellation(stopping))
                Observe(snapshot);
        }
        catch (OperationCanceledException) when (stopping.IsCancellationRequested)
        {
        }
        catch (Exception error)
        {
            LogWatchFailed(logger, error.GetType().Name);
        }
    }

    // Off the start path, so a slow table never delays the silo: until it answers, a joiner counts only what it sees. The
    // table answers once membership has initialised it, a little after this participant starts.
    private async Task ReadTableAsync(CancellationToken stopping)
    {
        if (table is null) return;
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                var data = await table.ReadAllAsync(stopping);
                RememberDeadBeforeStart(data.Members.Select(member => member.Item1));
                return;
            }
            catch (OperationCanceledException) when (stopping.IsCancellationRequested)
            {
                return;
            }
            catch (Exception) when (attempt < TableAttempts)
            {
                await Task.Delay(TimeSpan.FromSeconds(1), time, stopping).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
            }
            catch (Exception error)
            {
                LogTableUnread(logger, TableAttempts, error.GetType().Name);
                return;
            }
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Could not read the membership table for silos dead before this one started ({Attempts} tries): {Error}")]
    private static partial void LogTableUnread(ILogger logger, int attempts, string error);

    [LoggerMessage(Level = LogLevel.Debug, Message = "Silo {Endpoint} died: its slot is kept for shards placed again")]
    private static partial void LogDead(ILogger logger, string endpoint);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Stopped watching membership for shard placement: {Error}")]
    private static partial void LogWatchFailed(ILogger logger, string error);
}
