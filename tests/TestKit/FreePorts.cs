using System.Net;
using System.Net.Sockets;

namespace Unlearning.TestKit;

/// <summary>Loopback ports nothing listens on at the moment of asking.</summary>
public static class FreePorts
{
    public static int One() => Take(1)[0];

    /// <summary><paramref name="count"/> distinct ports: all are held open together while they are picked.</summary>
    public static int[] Take(int count)
    {
        var listeners = Enumerable.Range(0, count).Select(_ => new TcpListener(IPAddress.Loopback, 0)).ToArray();
        try
        {
            foreach (var listener in listeners) listener.Start();
            return [.. listeners.Select(listener => ((IPEndPoint)listener.LocalEndpoint).Port)];
        }
        finally
        {
            foreach (var listener in listeners) listener.Stop();
        }
    }
}
