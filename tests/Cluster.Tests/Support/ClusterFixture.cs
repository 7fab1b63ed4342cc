using Microsoft.Extensions.Configuration;
using Orleans.TestingHost;
using Unlearning.Silo;
using Unlearning.Silo.Security;

using Unlearning.Wire;

namespace Unlearning.Tests.Support;

/// <summary>A two-silo in-process cluster with the production grain setup, shared by the cluster tests.</summary>
public sealed class ClusterFixture : IAsyncLifetime
{
    public const string ClusterId = "unlearning-tests";

    public InProcessTestCluster Cluster { get; private set; } = null!;
    public IClusterClient Client => Cluster.Client;

    public async Task InitializeAsync()
    {
        var builder = new InProcessTestClusterBuilder(2);
        builder.Options.ClusterId = ClusterId;
        builder.Options.ServiceId = ClusterIdentity.DefaultServiceId;
        // Production defaults but for storage: the behaviour tests keep state in memory;
        // tests/Cluster.Tests/Storage covers SQLite and PostgreSQL.
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Storage:Provider"] = "Memory",
            // Certified tests choose their noise seed, to compare bits with a fit they compute themselves.
            ["Unlearning:AllowChosenNoiseSeed"] = "true",
            // Short enough for the ingest tests to see a stale ingest expire.
            ["Unlearning:StagedIngestExpiry"] = "00:00:03",
            ["Unlearning:SweepInterval"] = "00:00:01",
            // Short enough for the failover tests to see the alarm.
            ["Unlearning:MissingShardAlarm"] = "00:00:02",
            // Short, so a forget waits little for a silo that does not confirm it dropped its read replicas.
            ["Unlearning:ReplicaLease"] = "00:00:02",
            // Short enough for the compliance tests to see a request pass its deadline.
            ["Compliance:Deadline"] = "00:00:02",
        }).Build();
        builder.ConfigureSilo((_, silo) => silo.AddUnlearningGrains(configuration).AddIncomingGrainCallFilter<InjectedFaults.Filter>()
            .AddIncomingGrainCallFilter<CallSources.Filter>());
        // The tests read shard state through IShardGrain, which the silos refuse to clients: this one is in the silos'
        // process and may have their key.
        builder.ConfigureClient(client => client.AllowInternalCallsForTests().AddActivityPropagation());
        Cluster = builder.Build();
        await Cluster.DeployAsync();
    }

    public async Task DisposeAsync()
    {
        await Cluster.StopAllSilosAsync();
        await Cluster.DisposeAsync();
    }

    public IModelGrain Model(string name) => Client.GetGrain<IModelGrain>(name);

    public IShardGrain Shard(string model, int index) => Client.GetGrain<IShardGrain>(ShardKey.For(model, index));

    /// <summary>A model name no other test uses.</summary>
    public static string UniqueName(string prefix) => $"{prefix}-{Guid.NewGuid():N}"[..Math.Min(64, prefix.Length + 13)];
}

[CollectionDefinition(Name)]
public sealed class ClusterCollection : ICollectionFixture<ClusterFixture>
{
    public const string Name = "cluster";
}
