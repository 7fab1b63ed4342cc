using Microsoft.Extensions.Configuration;
using Orleans.TestingHost;
using Unlearning.Silo;
using Unlearning.Silo.Security;
using Unlearning.Silo.Storage;

using Unlearning.Wire;

namespace Unlearning.Tests.Storage;

/// <summary>An in-process test cluster whose silos keep grain state in the given store (membership stays the test host's).</summary>
public sealed class StorageCluster : IAsyncDisposable
{
    private StorageCluster(InProcessTestCluster cluster) => Cluster = cluster;

    public InProcessTestCluster Cluster { get; }
    public IClusterClient Client => Cluster.Client;

    /// <param name="settings">More silo configuration (e.g. the audit log's subject keys), on top of the test defaults.</param>
    /// <param name="configure">More silo set-up (e.g. a storage wrapper that counts reads).</param>
    public static async Task<StorageCluster> StartAsync(StorageOptions storage, int silos = 2, IReadOnlyDictionary<string, string?>? settings = null,
        Action<ISiloBuilder>? configure = null)
    {
        var builder = new InProcessTestClusterBuilder((short)silos);
        builder.Options.ClusterId = $"storage-{Guid.NewGuid():N}"[..20];
        builder.Options.ServiceId = ClusterIdentity.DefaultServiceId;
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Unlearning:RetrainDelay"] = "00:00:00.020",
        }).AddInMemoryCollection(settings ?? new Dictionary<string, string?>()).Build();
        builder.ConfigureSilo((_, silo) =>
        {
            silo.AddUnlearningGrains(configuration, storage);
            configure?.Invoke(silo);
        });
        // The tests read shard state through IShardGrain, which the silos refuse to clients: this one is in the silos'
        // process and may have their key.
        builder.ConfigureClient(client => client.AllowInternalCallsForTests());
        var cluster = builder.Build();
        await cluster.DeployAsync();
        return new StorageCluster(cluster);
    }

    public IModelGrain Model(string name) => Client.GetGrain<IModelGrain>(name);

    public IShardGrain Shard(string model, int index) => Client.GetGrain<IShardGrain>(ShardKey.For(model, index));

    /// <summary>Stops every silo (their state is only what they wrote to the store) and disposes the cluster.</summary>
    public async ValueTask DisposeAsync()
    {
        await Cluster.StopAllSilosAsync();
        await Cluster.DisposeAsync();
    }
}
