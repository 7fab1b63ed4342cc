using Microsoft.Extensions.Logging;
using Orleans.Runtime.Placement;
using Unlearning.Learning;

namespace Unlearning.Placement;

/// <summary>
/// Decides from membership alone, never from activation counts that other silos publish with a lag: the compatible
/// silos sorted by address, shard i of model m on silo (i + hash(m)) mod n. Every silo computes the same answer from the
/// same membership view, so the 16 shards of a model on 3 silos land 6/5/5, and after a silo dies they reactivate
/// spread over the survivors. Activations never move by themselves: a silo that joins takes new activations only.
/// A shard placed again soon after it was placed goes elsewhere (<see cref="RecentPlacements"/>): its silo is likely dead
/// and not yet declared so.
/// </summary>
public sealed class ShardSpreadPlacementDirector(TimeProvider time, ILogger<ShardSpreadPlacementDirector> logger) : IPlacementDirector
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
        var key = target.GrainIdentity.Key.ToString()!;
        var choice = _recent.Choose(target.GrainIdentity, ordered, count => SlotOf(key, count));
        logger.LogDebug("Placed {Grain} on {Silo} of {Silos}", key, choice, string.Join(" ", ordered.Select(SiloOrder.Key)));
        return Task.FromResult(choice);
    }

    /// <summary>The silo slot, among <paramref name="silos"/>, for the grain keyed <paramref name="key"/> ("model/index").</summary>
    public static int SlotOf(string key, int silos)
    {
        var slash = key.LastIndexOf('/');
        if (slash < 0 || !int.TryParse(key.AsSpan(slash + 1), System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var index))
            return (int)(StableKeyHash.Of(key, ModelSeed) % (ulong)silos);
        var offset = StableKeyHash.Of(key[..slash], ModelSeed) % (ulong)silos;
        return (int)(((ulong)index % (ulong)silos + offset) % (ulong)silos);
    }
}

/// <summary>A silo's place in the order every silo agrees on: its address, port and generation, as text.</summary>
internal static class SiloOrder
{
    public static string Key(SiloAddress silo) => silo.ToParsableString();
}
