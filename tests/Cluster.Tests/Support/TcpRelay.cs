using System.Net;
using System.Net.Sockets;

namespace Unlearning.Tests.Support;

/// <summary>
/// A loopback TCP relay to <c>target</c>: a process connected through it loses its server for real when the relay is cut
/// (listener closed, every relayed connection reset), and gets it back when the relay opens again on the same port.
/// </summary>
public sealed class TcpRelay(int targetPort) : IAsyncDisposable
{
    private readonly List<TcpClient> _connections = [];
    private TcpListener? _listener;
    private CancellationTokenSource? _stop;

    public int Port { get; private set; }

    public void Open()
    {
        _listener = new TcpListener(IPAddress.Loopback, Port);
        _listener.Server.SetSocketOption(SocketOptionLevel.Socket, SocketOptionName.ReuseAddress, true);
        _listener.Start();
        Port = ((IPEndPoint)_listener.LocalEndpoint).Port;
        _stop = new CancellationTokenSource();
        _ = AcceptAsync(_listener, _stop.Token);
    }

    /// <summary>Closes the listener and resets every connection made through it.</summary>
    public void Cut()
    {
        _stop?.Cancel();
        _listener?.Stop();
        lock (_connections)
        {
            foreach (var connection in _connections)
            {
                // A reset, not a polite close: the other side sees the server gone.
                if (connection.Client is { Connected: true } socket) socket.LingerState = new LingerOption(true, 0);
                connection.Dispose();
            }
            _connections.Clear();
        }
    }

    public ValueTask DisposeAsync()
    {
        Cut();
        return ValueTask.CompletedTask;
    }

    private async Task AcceptAsync(TcpListener listener, CancellationToken stop)
    {
        while (!stop.IsCancellationRequested)
        {
            TcpClient incoming;
            try
            {
                incoming = await listener.AcceptTcpClientAsync(stop);
            }
            catch (Exception error) when (error is OperationCanceledException or SocketException or ObjectDisposedException)
            {
                return;
            }
            var outgoing = new TcpClient();
            try
            {
                await outgoing.ConnectAsync(IPAddress.Loopback, targetPort, stop);
            }
            catch (Exception error) when (error is OperationCanceledException or SocketException)
            {
                incoming.Dispose();
                outgoing.Dispose();
                continue;
            }
            lock (_connections)
            {
                _connections.Add(incoming);
                _connections.Add(outgoing);
            }
            _ = PumpAsync(incoming, outgoing, stop);
            _ = PumpAsync(outgoing, incoming, stop);
        }
    }

    private static async Task PumpAsync(TcpClient from, TcpClient to, CancellationToken stop)
    {
        try
        {
            await from.GetStream().CopyToAsync(to.GetStream(), stop);
            to.Client.Shutdown(SocketShutdown.Send);
        }
        catch (Exception error) when (error is IOException or SocketException or ObjectDisposedException or OperationCanceledException or InvalidOperationException)
        {
            from.Dispose();
            to.Dispose();
        }
    }
}
