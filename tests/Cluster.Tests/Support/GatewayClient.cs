using System.Net;
using Microsoft.Extensions.Hosting;
using Orleans.Configuration;
using Unlearning.Client.Security;

namespace Unlearning.Tests.Support;

/// <summary>A raw Orleans client of a silo process, through its gateway on loopback.</summary>
public static class GatewayClient
{
    /// <summary>A started client of cluster <paramref name="clusterId"/> at <paramref name="gatewayPort"/>, secured as <paramref name="security"/> says.</summary>
    public static async Task<IHost> ConnectAsync(int gatewayPort, string clusterId, ClientSecurity? security = null)
    {
        var builder = Host.CreateEmptyApplicationBuilder(new HostApplicationBuilderSettings());
        builder.UseOrleansClient(client =>
        {
            security?.ApplyTo(client);
            client.UseStaticClustering(new IPEndPoint(IPAddress.Loopback, gatewayPort))
                .Configure<ClusterOptions>(options =>
                {
                    options.ClusterId = clusterId;
                    options.ServiceId = ClusterIdentity.DefaultServiceId;
                });
        });
        var host = builder.Build();
        await host.StartAsync();
        return host;
    }
}
