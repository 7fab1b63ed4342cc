namespace Unlearning.Client;

/// <summary>
/// Learns from the Orleans client when it has no gateway left, and cancels <see cref="Lost"/> then: calls waiting for
/// an answer over a dead connection fail at once instead of waiting out their response timeout (a day, for forgets).
/// </summary>
internal sealed class ConnectionWatch : IClusterConnectionStatusObserver
{
    // Never disposed: it has no timer, and whoever holds its token may ask it after the connection is gone.
    private readonly CancellationTokenSource _lost = new();

    public CancellationToken Lost => _lost.Token;

    public bool IsLost => _lost.IsCancellationRequested;

    public void NotifyClusterConnectionLost() => _lost.Cancel();

    public void NotifyGatewayCountChanged(int currentNumberOfGateways, int previousNumberOfGateways, bool connectionRecovered)
    {
        if (currentNumberOfGateways == 0) _lost.Cancel();
    }
}
