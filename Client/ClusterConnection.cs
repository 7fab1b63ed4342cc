using System.Net;
using System.Net.Sockets;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Orleans.Configuration;

namespace Unlearning.Client;

/// <summary>The cluster a command talks to.</summary>
internal sealed record ClusterTarget(GatewayAddress Gateway, string ClusterId);

internal delegate Task<ClusterConnection> ClusterConnector(ClusterTarget target, CancellationToken cancellationToken);

/// <summary>The gateway could not be resolved or reached.</summary>
internal sealed class ClusterUnreachableException(GatewayAddress gateway, string reason, Exception? inner = null)
    : Exception($"cannot reach the cluster at gateway {gateway}: {reason}", inner);

/// <summary>A connected Orleans client, owning the host it runs in unless it was borrowed.</summary>
internal sealed class ClusterConnection : IAsyncDisposable
{
    public const string DefaultClusterId = "unlearning";
    public const string ServiceId = "unlearning";

    // Train and forget answer only once shards have retrained, which can take far longer than
    // Orleans' 30 s default; a lost gateway still fails calls at once.
    private static readonly TimeSpan ResponseTimeout = TimeSpan.FromMinutes(30);

    private readonly IHost? _host;

    private ClusterConnection(IClusterClient client, IHost? host)
    {
        Client = client;
        _host = host;
    }

    public IClusterClient Client { get; }

    /// <summary>Wraps a client someone else owns (a test cluster's, say); disposing leaves it running.</summary>
    public static ClusterConnection Borrow(IClusterClient client) => new(client, null);

    public static async Task<ClusterConnection> OpenAsync(ClusterTarget target, CancellationToken cancellationToken)
    {
        var gateway = new IPEndPoint(await ResolveAsync(target.Gateway, cancellationToken), target.Gateway.Port);

        // The empty builder registers no logging providers, so nothing reaches stdout.
        var builder = Host.CreateEmptyApplicationBuilder(new HostApplicationBuilderSettings());
        builder.UseOrleansClient(client => client
            .UseStaticClustering(gateway)
            .Configure<ClusterOptions>(options =>
            {
                options.ClusterId = target.ClusterId;
                options.ServiceId = ServiceId;
            })
            .Configure<ClientMessagingOptions>(options => options.ResponseTimeout = ResponseTimeout));
        var host = builder.Build();
        try
        {
            await host.StartAsync(cancellationToken);
        }
        catch (Exception e)
        {
            host.Dispose();
            if (e is OperationCanceledException && cancellationToken.IsCancellationRequested)
            {
                throw;
            }

            throw new ClusterUnreachableException(target.Gateway, e.GetBaseException().Message, e);
        }

        return new ClusterConnection(host.Services.GetRequiredService<IClusterClient>(), host);
    }

    public async ValueTask DisposeAsync()
    {
        if (_host is not null)
        {
            await _host.StopAsync();
            _host.Dispose();
        }
    }

    private static async Task<IPAddress> ResolveAsync(GatewayAddress gateway, CancellationToken cancellationToken)
    {
        if (IPAddress.TryParse(gateway.Host, out var literal))
        {
            return literal;
        }

        IPAddress[] addresses;
        try
        {
            addresses = await Dns.GetHostAddressesAsync(gateway.Host, cancellationToken);
        }
        catch (SocketException e)
        {
            throw new ClusterUnreachableException(gateway, $"cannot resolve host '{gateway.Host}' ({e.Message})", e);
        }

        // Silos usually listen on IPv4, while "localhost" often resolves to ::1 first.
        return addresses.FirstOrDefault(a => a.AddressFamily == AddressFamily.InterNetwork)
            ?? addresses.FirstOrDefault()
            ?? throw new ClusterUnreachableException(gateway, $"host '{gateway.Host}' has no address");
    }
}
