namespace Unlearning.Placement;

/// <summary>
/// The silos this silo chose for each grain lately. Asked to place a grain again within <paramref name="window"/> of
/// placing it, the earlier choice did not take: its silo was unreachable (killed, say, and not yet declared dead, so
/// membership still lists it) or the activation failed there. Orleans then asks again, and a rule that depends on
/// membership alone would give the same silo every time until membership caught up. So within the window a grain is
/// placed among the silos not chosen for it lately, by the same rule (its slot among them): the shards of a dead silo
/// spread over the others rather than all falling to the one after it. Asked again within <see cref="Settle"/> of a
/// choice still listed, the grain gets that choice again: such a request raced the first (several messages to a grain
/// not yet placed), it is not a retry after a failure.
/// </summary>
internal sealed class RecentPlacements(TimeProvider time, TimeSpan window)
{
    /// <summary>How long a choice is given to take before a request for the same grain counts as a retry.</summary>
    public static readonly TimeSpan Settle = TimeSpan.FromMilliseconds(500);

    /// <summary>Past this many grains remembered, the ones older than the window are dropped.</summary>
    private const int PruneAbove = 1024;

    private readonly Dictionary<GrainId, (List<SiloAddress> Chosen, long At)> _recent = [];

    /// <summary>
    /// The silo for <paramref name="grain"/> among <paramref name="ordered"/> less those chosen for it lately, at
    /// <paramref name="slotAmong"/>(how many are left) in that list.
    /// </summary>
    public SiloAddress Choose(GrainId grain, IReadOnlyList<SiloAddress> ordered, Func<int, int> slotAmong)
    {
        lock (_recent)
        {
            var now = time.GetTimestamp();
            if (_recent.Count > PruneAbove) Prune(now);
            var known = _recent.TryGetValue(grain, out var entry);
            if (known && time.GetElapsedTime(entry.At, now) < Settle && ordered.Contains(entry.Chosen[^1])) return entry.Chosen[^1];
            var recent = known && time.GetElapsedTime(entry.At, now) < window ? entry.Chosen : [];
            var candidates = ordered.Where(silo => !recent.Contains(silo)).ToArray();
            if (candidates.Length == 0)
            {
                // Every silo was tried lately: start the round again.
                recent = [];
                candidates = [.. ordered];
            }
            var choice = candidates[slotAmong(candidates.Length)];
            _recent[grain] = ([.. recent, choice], now);
            return choice;
        }
    }

    private void Prune(long now)
    {
        foreach (var (grain, (_, at)) in _recent.ToArray())
            if (time.GetElapsedTime(at, now) >= window) _recent.Remove(grain);
    }
}
