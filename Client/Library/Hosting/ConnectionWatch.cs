namespace Unlearning.Client.Hosting;

/// <summary>
/// Learns from the Orleans client when it has no gateway left, and cancels <see cref="Lost"/> then: calls waiting for
/// an answer over a dead connection fail at once instead of waiting out their response timeout (a day, for forgets).
/// When a gateway answers again, later calls get a fresh token: a long-lived client outlives its cluster's restarts.
/// </summary>
internal sealed class ConnectionWatch : IClusterConnectionStatusObserver
{
    private readonly Lock _lock = new();

    // Never disposed: it has no timer, and whoever holds its token may ask it after the connection is gone.
    private CancellationTokenSource _lost = new();

    /// <summary>Cancelled once the current connection is lost (read on every call: no lock, the source is only ever replaced whole).</summary>
    public CancellationToken Lost => Volatile.Read(ref _lost).Token;

    public bool IsLost => Lost.IsCancellationRequested;

    public void NotifyClusterConnectionLost() => Cancel();

    public void NotifyGatewayCountChanged(int currentNumberOfGateways, int previousNumberOfGateways, bool connectionRecovered)
    {
        if (currentNumberOfGateways == 0)
        {
            Cancel();
            return;
        }

        lock (_lock)
        {
            if (_lost.IsCancellationRequested) Volatile.Write(ref _lost, new CancellationTokenSource());
        }
    }

    private void Cancel()
    {
        CancellationTokenSource lost;
        lock (_lock) lost = _lost;
        lost.Cancel();
    }
}
