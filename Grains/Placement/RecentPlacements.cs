namespace Unlearning.Placement;

/// <summary>
/// The silos this silo chose for each grain lately. Asked to place a grain again within <paramref name="window"/> of
/// placing it, the earlier choice did not take: its silo was unreachable (killed, say, and not yet declared dead, so
/// membership still lists it) or the activation failed there. Orleans then asks again, and a rule that depends on
/// membership alone would give the same silo every time until membership caught up. So within the window a grain
/// goes to the first silo, from its preferred one on in the agreed order, that was not chosen for it lately.
/// </summary>
internal sealed class RecentPlacements(TimeProvider time, TimeSpan window)
{
    /// <summary>Past this many grains remembered, the ones older than the window are dropped.</summary>
    private const int PruneAbove = 1024;

    private readonly Dictionary<GrainId, (List<SiloAddress> Chosen, long At)> _recent = [];

    /// <summary>The silo for <paramref name="grain"/>: <paramref name="ordered"/>[<paramref name="preferred"/>] unless it was chosen for it lately.</summary>
    public SiloAddress Choose(GrainId grain, IReadOnlyList<SiloAddress> ordered, int preferred)
    {
        lock (_recent)
        {
            var now = time.GetTimestamp();
            if (_recent.Count > PruneAbove) Prune(now);
            var recent = _recent.TryGetValue(grain, out var entry) && time.GetElapsedTime(entry.At, now) < window ? entry.Chosen : [];
            var choice = Enumerable.Range(0, ordered.Count).Select(k => ordered[(preferred + k) % ordered.Count]).FirstOrDefault(s => !recent.Contains(s));
            if (choice is null)
            {
                // Every silo was tried lately: start the round again from the preferred one.
                recent = [];
                choice = ordered[preferred];
            }
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
