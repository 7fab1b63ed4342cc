using Microsoft.Extensions.Hosting;
using Orleans.Configuration;
using Unlearning.Client;
using Unlearning.Client.Security;
using Unlearning.Silo.Security;

namespace Unlearning.Tests.Support;

/// <summary>How a <see cref="MembershipClient"/> is set up beyond where the cluster is.</summary>
/// <param name="InternalCalls">Whether it may call the grains' internal methods (IShardGrain...), with the cluster's key read
/// from the database, as only a reader of the database can.</param>
/// <param name="ResponseTimeout">How long a call waits for its answer; Orleans' default when null.</param>
/// <param name="Security">TLS and token, for a secured cluster.</param>
public sealed record MembershipClientOptions(bool InternalCalls = false, TimeSpan? ResponseTimeout = null, ClientSecurity? Security = null);

/// <summary>
/// A raw Orleans client of silo processes on PostgreSQL: it finds the silos in the membership table and follows them as
/// they die and join.
/// </summary>
public static class MembershipClient
{
    public static async Task<IHost> ConnectAsync(string connectionString, string clusterId, MembershipClientOptions? options = null)
    {
        options ??= new MembershipClientOptions();
        var key = options.InternalCalls ? InternalCallKey.From(await InternalCallKey.LoadPostgresSecretAsync(connectionString, clusterId)) : null;
        var builder = Host.CreateEmptyApplicationBuilder(new HostApplicationBuilderSettings());
        builder.UseOrleansClient(client =>
        {
            if (key is not null) client.AllowInternalCallsForTests(key);
            options.Security?.ApplyTo(client);
            client
                .UseAdoNetClustering(clustering =>
                {
                    clustering.Invariant = PostgresConnectionString.Invariant;
                    clustering.ConnectionString = connectionString;
                })
                .Configure<ClusterOptions>(cluster =>
                {
                    cluster.ClusterId = clusterId;
                    cluster.ServiceId = ClusterIdentity.DefaultServiceId;
                })
                .Configure<GatewayOptions>(gateways => gateways.GatewayListRefreshPeriod = TimeSpan.FromSeconds(1));
            if (options.ResponseTimeout is { } timeout)
                client.Configure<ClientMessagingOptions>(messaging => messaging.ResponseTimeout = timeout);
        });
        var host = builder.Build();
        await host.StartAsync();
        return host;
    }
}
