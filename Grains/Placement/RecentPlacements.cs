namespace Unlearning.Placement;

/// <summary>
/// The silos this silo chose for each grain, and among which silos. Three cases differ from the plain rule (a grain's slot
/// among the silos listed):
/// <list type="bullet">
/// <item>Asked again within <see cref="Settle"/> of a choice still listed: the same choice. Such a request raced the
/// first (several messages to a grain not yet placed); it is not a retry after a failure.</item>
/// <item>Asked again within the retry window (<paramref name="window"/>) among the same silos: the earlier choice did not
/// take. Its silo was unreachable (killed, say, and not yet declared dead, so membership still lists it) or the activation
/// failed there, and the plain rule would give the same silo until membership caught up. So the grain goes to its slot
/// among the silos not chosen for it lately: the shards of a dead silo spread over the others rather than all falling to
/// the one after it.</item>
/// <item>Asked again after membership changed (a dead silo declared so, a silo joined) while its silo is still listed:
/// that silo. Orleans asks again for grains whose directory entry was on a silo that left, although they live on; placed
/// by the rule among the new list, they would move, and pile up on one survivor. (What failed under the old list no longer
/// counts: the dead silo's own grains go to their slot among those left, as every silo would place them.)</item>
/// </list>
/// Choices are remembered for <see cref="Remember"/>, by this silo only.
/// </summary>
internal sealed class RecentPlacements(TimeProvider time, TimeSpan window)
{
    /// <summary>How long a choice is given to take before a request for the same grain counts as a retry.</summary>
    public static readonly TimeSpan Settle = TimeSpan.FromMilliseconds(500);

    /// <summary>How long a grain's silo is remembered, so that a membership change leaves the grain there.</summary>
    public static readonly TimeSpan Remember = TimeSpan.FromHours(24);

    /// <summary>Past this many grains remembered, those placed longer ago than the retry window are dropped.</summary>
    private const int PruneAbove = 65_536;

    private int _pruneAt = PruneAbove;

    private readonly Dictionary<GrainId, (List<SiloAddress> Chosen, SiloAddress[] Among, long At)> _recent = [];

    /// <summary>
    /// The silo for <paramref name="grain"/> among <paramref name="ordered"/> less those chosen for it lately, at
    /// <paramref name="slotAmong"/>(how many are left) in that list.
    /// </summary>
    public SiloAddress Choose(GrainId grain, IReadOnlyList<SiloAddress> ordered, Func<int, int> slotAmong)
    {
        lock (_recent)
        {
            var now = time.GetTimestamp();
            if (_recent.Count > _pruneAt) Prune(now);
            var known = _recent.TryGetValue(grain, out var entry) && time.GetElapsedTime(entry.At, now) < Remember;
            var last = known ? entry.Chosen[^1] : null;
            var lastListed = last is not null && ordered.Contains(last);
            if (lastListed && time.GetElapsedTime(entry.At, now) < Settle) return last!;
            var sameSilos = known && entry.Among.SequenceEqual(ordered);
            if (lastListed && !sameSilos)
            {
                // Membership changed since (a dead silo declared so, one joined) and the grain's silo is still listed: the
                // grain most likely lives on there, asked for again because its directory entry was on a silo that left,
                // and placing it there finds it rather than moving it.
                _recent[grain] = ([last!], [.. ordered], now);
                return last!;
            }
            // Choices made among other silos do not count: every silo places by the same rule among the same silos again.
            var recent = sameSilos && time.GetElapsedTime(entry.At, now) < window ? entry.Chosen : [];
            var candidates = ordered.Where(silo => !recent.Contains(silo)).ToArray();
            if (candidates.Length == 0)
            {
                // Every silo was tried lately: start the round again.
                recent = [];
                candidates = [.. ordered];
            }
            var choice = candidates[slotAmong(candidates.Length)];
            _recent[grain] = ([.. recent, choice], [.. ordered], now);
            return choice;
        }
    }

    private void Prune(long now)
    {
        foreach (var (grain, (_, _, at)) in _recent.ToArray())
            if (time.GetElapsedTime(at, now) >= window) _recent.Remove(grain);
        // Grains all placed within the window stay; the next prune waits until there are twice as many (amortised).
        _pruneAt = Math.Max(PruneAbove, 2 * _recent.Count);
    }
}
