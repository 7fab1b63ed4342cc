using Orleans.Placement;
using Orleans.Runtime.Placement;

namespace Unlearning.Placement;

/// <summary>Places a grain keyed by a silo's address (<see cref="SiloAddress.ToParsableString"/>) on that silo, or nowhere.</summary>
[GenerateSerializer, Immutable, Alias("Unlearning.SiloPinnedPlacement")]
public sealed class SiloPinnedPlacement : PlacementStrategy
{
    public static readonly SiloPinnedPlacement Instance = new();
}

[AttributeUsage(AttributeTargets.Class, AllowMultiple = false)]
public sealed class SiloPinnedPlacementAttribute() : PlacementAttribute(SiloPinnedPlacement.Instance);

/// <summary>
/// See <see cref="SiloPinnedPlacement"/>: a call to a grain of a silo that is not active fails, rather than activate the
/// grain elsewhere.
/// </summary>
public sealed class SiloPinnedPlacementDirector : IPlacementDirector
{
    public Task<SiloAddress> OnAddActivation(PlacementStrategy strategy, PlacementTarget target, IPlacementContext context)
    {
        var key = target.GrainIdentity.Key.ToString()!;
        foreach (var silo in context.GetCompatibleSilos(target))
            if (silo.ToParsableString() == key) return Task.FromResult(silo);
        throw new OrleansException($"silo {key} is not active: a grain pinned to it cannot be placed");
    }
}
