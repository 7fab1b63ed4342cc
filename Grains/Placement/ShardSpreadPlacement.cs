using Orleans.Placement;

namespace Unlearning.Placement;

/// <summary>
/// Places shard i of a model on the (i + h)-th of the compatible silos in a stable order, h a stable hash of the
/// model's name: a model's shards spread evenly over the silos alive when each shard activates, on creation and
/// again after a silo dies. See <see cref="ShardSpreadPlacementDirector"/>.
/// </summary>
[GenerateSerializer, Immutable, Alias("Unlearning.ShardSpreadPlacement")]
public sealed class ShardSpreadPlacement : PlacementStrategy
{
    public static readonly ShardSpreadPlacement Instance = new();
}

/// <summary>Marks a grain keyed "model/index" for <see cref="ShardSpreadPlacement"/>.</summary>
[AttributeUsage(AttributeTargets.Class, AllowMultiple = false)]
public sealed class ShardSpreadPlacementAttribute() : PlacementAttribute(ShardSpreadPlacement.Instance);
