using Microsoft.Extensions.Logging;

namespace Unlearning.Placement;

/// <summary>
/// The silos a shard's slot is counted among: every silo alive, and those this silo saw die within the last
/// <see cref="Keep"/>, each by its endpoint (a silo restarted on its address and port takes its slot back).
/// <para>
/// Why the dead count: when a silo dies Orleans deactivates the living grains whose directory entry it held and places
/// them again. Counted among the survivors alone, a living shard's slot would move, so shards would pile up on one
/// survivor; counted among the same silos as before, a living shard's slot is its own silo again, and only the dead
/// silo's shards go elsewhere. Every silo watches membership from its start (<see cref="Participate"/>), so any of them
/// computes the same slots: a silo that joins after a death does not count that silo.
/// </para>
/// </summary>
public sealed partial class SiloSlots(IClusterMembershipService membership, TimeProvider time, ILogger<SiloSlots> logger)
    : ILifecycleParticipant<ISiloLifecycle>
{
    /// <summary>How long a dead silo keeps its slot: long past the re-placements that follow its death (seconds).</summary>
    public static readonly TimeSpan Keep = TimeSpan.FromMinutes(15);

    // Endpoint -> null while alive, or when this silo saw it dead.
    private readonly Dictionary<string, long?> _endpoints = new(StringComparer.Ordinal);
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

    private Task Start(CancellationToken cancellationToken)
    {
        Observe(membership.CurrentSnapshot);
        _ = WatchAsync(_stopping.Token);
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

    [LoggerMessage(Level = LogLevel.Debug, Message = "Silo {Endpoint} died: its slot is kept for shards placed again")]
    private static partial void LogDead(ILogger logger, string endpoint);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Stopped watching membership for shard placement: {Error}")]
    private static partial void LogWatchFailed(ILogger logger, string error);
}
