using System.Net;
using System.Net.Sockets;
using Orleans.Messaging;

namespace Unlearning.Client.Hosting;

/// <summary>
/// The gateways a client was given as HOST:PORT, resolved each time Orleans refreshes its list, so that a name that moves
/// to another address (a restarted container) is followed. A name that does not resolve is left out while others do.
/// </summary>
internal sealed class GatewayList(IReadOnlyList<GatewayAddress> gateways) : IGatewayListProvider
{
    public TimeSpan MaxStaleness => TimeSpan.FromSeconds(30);

    public bool IsUpdatable => gateways.Any(g => !IPAddress.TryParse(g.Host, out _));

    public Task InitializeGatewayListProvider() => Task.CompletedTask;

    public async Task<IList<Uri>> GetGateways()
    {
        var uris = new List<Uri>(gateways.Count);
        Exception? failure = null;
        foreach (var gateway in gateways)
        {
            try
            {
                uris.Add(new IPEndPoint(await ResolveAsync(gateway, CancellationToken.None), gateway.Port).ToGatewayUri());
            }
            catch (ClusterUnreachableException e)
            {
                failure = e;
            }
        }

        return uris.Count == 0 && failure is not null ? throw failure : uris;
    }

    /// <summary>The address to reach <paramref name="gateway"/> at: IPv4 first, as silos usually listen on it while "localhost" often resolves to ::1 first.</summary>
    public static async Task<IPAddress> ResolveAsync(GatewayAddress gateway, CancellationToken cancellationToken)
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
            throw new ClusterUnreachableException($"at gateway {gateway}", $"cannot resolve host '{gateway.Host}' ({e.Message})", e);
        }

        return addresses.FirstOrDefault(a => a.AddressFamily == AddressFamily.InterNetwork)
            ?? addresses.FirstOrDefault()
            ?? throw new ClusterUnreachableException($"at gateway {gateway}", $"host '{gateway.Host}' has no address");
    }
}
