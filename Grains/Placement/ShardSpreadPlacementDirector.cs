using Microsoft.Extensions.Logging;
using Orleans.Runtime.Placement;
using Unlearning.Learning;

namespace Unlearning.Placement;

/// <summary>
/// Decides from membership alone, never from activation counts that other silos publish with a lag. Shard i of model m
/// has slot v = i + hash(m) among the slots (<see cref="SiloSlots"/>: the silos alive and those lately dead, sorted by
/// endpoint), and goes to the silo at slot v mod n. When that silo is dead it goes to the living silo
/// (v div n) mod (living count), so the shards of a dead silo alternate over the survivors. Every silo computes the same
/// answer from the same view, so the 16 shards of a model on 3 silos land 6/5/5, a living shard placed again after another
/// silo died stays where it lives, and the dead silo's shards spread over the survivors. Activations never move by
/// themselves: a silo that joins takes new activations only.
/// A shard placed again soon after it was placed goes elsewhere (<see cref="RecentPlacements"/>): its silo is likely dead
/// and not yet declared so.
/// </summary>
public sealed class ShardSpreadPlacementDirector(SiloSlots slots, TimeProvider time, ILogger<ShardSpreadPlacementDirector> logger) : IPlacementDirector
{
    private const ulong ModelSeed = 0x5EED_5170;

    /// <summary>Longer than membership takes to declare a killed silo dead (about 10 s with Orleans' defaults).</summary>
    internal static readonly TimeSpan RetryWindow = TimeSpan.FromSeconds(30);

    private readonly RecentPlacements _recent = new(time, RetryWindow);

    public Task<SiloAddress> OnAddActivation(PlacementStrategy strategy, PlacementTarget target, IPlacementContext context)
    {
        var silos = context.GetCompatibleSilos(target);
        if (silos.Length == 0)
            throw new OrleansException($"no silo can host {target.GrainIdentity.Type}");
        var ordered = silos.OrderBy(SiloOrder.Key, StringComparer.Ordinal).ToArray();
        var among = slots.Among(ordered);
        var key = target.GrainIdentity.Key.ToString()!;
        var value = ValueOf(key);
        var choice = _recent.Choose(target.GrainIdentity, ordered, candidates => Pick(value, among, candidates));
        if (logger.IsEnabled(LogLevel.Debug))
        {
            logger.LogDebug("Placed {Grain} on {Silo} of {Silos} (slots {Slots})", key, choice, string.Join(" ", ordered.Select(SiloOrder.Key)),
                string.Join(" ", among));
        }

        return Task.FromResult(choice);
    }

    /// <summary>
    /// The silo for a grain of slot value <paramref name="value"/>: the candidate at slot value mod (slot count) when it
    /// is one, else candidate (value div slot count) mod (candidate count).
    /// </summary>
    public static SiloAddress Pick(ulong value, IReadOnlyList<string> slots, IReadOnlyList<SiloAddress> candidates)
    {
        var primary = slots[(int)(value % (ulong)slots.Count)];
        SiloAddress? there = null;
        foreach (var silo in candidates)
            if (SiloSlots.EndpointOf(silo) == primary && (there is null || silo.Generation > there.Generation)) there = silo;
        return there ?? candidates[(int)(value / (ulong)slots.Count % (ulong)candidates.Count)];
    }

    /// <summary>The slot value of the grain keyed <paramref name="key"/> ("model/index"): index + hash(model).</summary>
    public static ulong ValueOf(string key)
    {
        var slash = key.LastIndexOf('/');
        if (slash < 0 || !int.TryParse(key.AsSpan(slash + 1), System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var index))
            return StableKeyHash.Of(key, ModelSeed);
        // Kept well below overflow, so index + offset never wraps.
        return (ulong)index + StableKeyHash.Of(key[..slash], ModelSeed) % 1_000_003;
    }

    /// <summary>The silo slot, among <paramref name="silos"/> silos all alive, for the grain keyed <paramref name="key"/>.</summary>
    public static int SlotOf(string key, int silos) => (int)(ValueOf(key) % (ulong)silos);
}

/// <summary>A silo's place in the order every silo agrees on: its address, port and generation, as text.</summary>
internal static class SiloOrder
{
    public static string Key(SiloAddress silo) => silo.ToParsableString();
}
