using Microsoft.Extensions.DependencyInjection;
using Orleans.Configuration;
using Orleans.Messaging;
using Unlearning.Client.Security;

namespace Unlearning.Client.Hosting;

/// <summary>How an Orleans client is set up to reach the cluster that <see cref="UnlearningClientOptions"/> name: the same for a service and the CLI.</summary>
internal static class OrleansClientSetup
{
    public static void Configure(IClientBuilder client, UnlearningClientOptions options, ConnectionWatch watch)
    {
        client.AddClusterConnectionStatusObserver(watch);
        // A caller's span (its trace context) travels with every grain call, so a forget is one trace across processes.
        client.AddActivityPropagation();
        options.Tls?.ApplyTo(client);
        if (options.Tokens() is { } tokens) client.AddOutgoingGrainCallFilter(new TokenStamp(tokens));
        if (string.IsNullOrWhiteSpace(options.PostgresConnectionString))
        {
            var gateways = options.GatewayAddresses();
            client.Services.AddSingleton<IGatewayListProvider>(new GatewayList(gateways));
        }
        else
        {
            client.UseAdoNetClustering(clustering =>
            {
                clustering.Invariant = PostgresConnectionString.Invariant;
                clustering.ConnectionString = options.PostgresConnectionString;
            });
        }

        client
            .Configure<ClusterOptions>(cluster =>
            {
                cluster.ClusterId = options.ClusterId;
                cluster.ServiceId = ClusterIdentity.DefaultServiceId;
            })
            .Configure<ClientMessagingOptions>(messaging => messaging.ResponseTimeout = ClusterIdentity.ResponseTimeout);
    }
}
