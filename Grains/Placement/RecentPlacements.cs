namespace Unlearning.Placement;

/// <summary>
/// The silos this silo chose for each grain lately, and among which silos. Two cases differ from the plain rule:
/// <list type="bullet">
/// <item>Asked again within <see cref="Settle"/> of a choice still listed: the same choice. Such a request raced the
/// first (several messages to a grain not yet placed); it is not a retry after a failure.</item>
/// <item>Asked again within the retry window (<paramref name="window"/>) among the same silos: the earlier choice did not
/// take. Its silo was unreachable (killed, say, and not yet declared dead, so membership still lists it) or the activation
/// failed there, and the plain rule would give the same silo until membership caught up. So the grain is placed by the
/// rule among the silos not chosen for it lately.</item>
/// </list>
/// Choices made among another list of silos do not count: after membership changes every silo places by the rule again.
/// </summary>
internal sealed class RecentPlacements(TimeProvider time, TimeSpan window)
{
    /// <summary>How long a choice is given to take before a request for the same grain counts as a retry.</summary>
    public static readonly TimeSpan Settle = TimeSpan.FromMilliseconds(500);

    /// <summary>Past this many grains remembered, those placed longer ago than the retry window are dropped.</summary>
    private const int PruneAbove = 65_536;

    private int _pruneAt = PruneAbove;

    private readonly Dictionary<GrainId, (List<SiloAddress> Chosen, SiloAddress[] Among, long At)> _recent = [];

    /// <summary>
    /// The silo for <paramref name="grain"/>: <paramref name="pick"/> among <paramref name="ordered"/> less the silos
    /// chosen for it lately.
    /// </summary>
    public SiloAddress Choose(GrainId grain, IReadOnlyList<SiloAddress> ordered, Func<IReadOnlyList<SiloAddress>, SiloAddress> pick)
    {
        lock (_recent)
        {
            var now = time.GetTimestamp();
            if (_recent.Count > _pruneAt) Prune(now);
            var known = _recent.TryGetValue(grain, out var entry) && time.GetElapsedTime(entry.At, now) < window;
            var sameSilos = known && entry.Among.SequenceEqual(ordered);
            if (sameSilos && time.GetElapsedTime(entry.At, now) < Settle) return entry.Chosen[^1];
            List<SiloAddress> recent = sameSilos ? entry.Chosen : [];
            var candidates = ordered.Where(silo => !recent.Contains(silo)).ToArray();
            if (candidates.Length == 0)
            {
                // Every silo was tried lately: start the round again.
                recent = [];
                candidates = [.. ordered];
            }
            var choice = pick(candidates);
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
