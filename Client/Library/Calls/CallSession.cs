namespace Unlearning.Client.Calls;

/// <summary>
/// One operation's calls to the cluster: stopped by the caller's token or a lost connection, whichever comes first
/// (<see cref="Stop"/>); a call stopped by the lost connection throws <see cref="ClusterConnectionLostException"/>.
/// </summary>
internal readonly struct CallSession : IDisposable
{
    private readonly CancellationTokenSource? _linked;
    private readonly CancellationToken _caller;
    private readonly CancellationToken _lost;
    private readonly string _where;

    public CallSession(CancellationToken caller, CancellationToken lost, string where)
    {
        _caller = caller;
        _lost = lost;
        _where = where;
        _linked = caller.CanBeCanceled && lost.CanBeCanceled ? CancellationTokenSource.CreateLinkedTokenSource(caller, lost) : null;
        Stop = _linked?.Token ?? (lost.CanBeCanceled ? lost : caller);
    }

    /// <summary>What stops every call of the session: give it to the guarded grains.</summary>
    public CancellationToken Stop { get; }

    /// <summary>Runs <paramref name="work"/> (any number of calls the session stops), naming a lost connection as such.</summary>
    public async Task<T> RunAsync<TState, T>(TState state, Func<TState, CallSession, Task<T>> work)
    {
        try
        {
            return await work(state, this).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (IsLost)
        {
            throw Lost();
        }
    }

    /// <summary>Whether a call was stopped by the lost connection (not by the caller).</summary>
    public bool IsLost => !_caller.IsCancellationRequested && _lost.IsCancellationRequested;

    /// <summary>The error of a call stopped by the lost connection.</summary>
    public ClusterConnectionLostException Lost() => new(_where);

    public void Dispose() => _linked?.Dispose();
}
