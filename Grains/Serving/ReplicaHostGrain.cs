using Orleans.Concurrency;
using Orleans.Placement;
using Unlearning.Placement;
using Unlearning.Wire;

namespace Unlearning.Serving;

/// <summary>The way into one silo's <see cref="ReplicaCache"/>: keyed by the silo's address, placed only on that silo.</summary>
[SiloPinnedPlacement, Immovable, Reentrant]
public sealed class ReplicaHostGrain(ReplicaCache replicas, ILocalSiloDetails silo) : Grain, IReplicaHost
{
    public override Task OnActivateAsync(CancellationToken cancellationToken) =>
        this.GetPrimaryKeyString() == ReplicaHosts.KeyOf(silo.SiloAddress)
            ? Task.CompletedTask
            : throw new InvalidOperationException($"the replica host of {this.GetPrimaryKeyString()} was placed on {silo.SiloAddress}");

    public Task Invalidate(string model, Guid epoch, long generation) => replicas.InvalidateAsync(model, epoch, generation);
}
