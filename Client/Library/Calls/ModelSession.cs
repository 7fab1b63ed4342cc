namespace Unlearning.Client.Calls;

/// <summary>
/// One operation's calls to one model: guarded (<see cref="GuardedModelGrain"/>), stopped by the caller's token or a lost
/// connection, whichever comes first; a call stopped by the lost connection throws <see cref="ClusterConnectionLostException"/>.
/// </summary>
internal sealed class ModelSession : IDisposable
{
    private readonly CancellationTokenSource? _linked;
    private readonly CancellationToken _caller;
    private readonly CancellationToken _lost;
    private readonly string _where;

    public ModelSession(IModelGrain model, CallPolicy policy, CancellationToken caller, CancellationToken lost, string where)
    {
        _caller = caller;
        _lost = lost;
        _where = where;
        _linked = caller.CanBeCanceled && lost.CanBeCanceled ? CancellationTokenSource.CreateLinkedTokenSource(caller, lost) : null;
        Grain = new GuardedModelGrain(model, _linked?.Token ?? (lost.CanBeCanceled ? lost : caller), policy);
    }

    /// <summary>The guarded grain; call it through <c>CallAsync</c> or inside <c>RunAsync</c>.</summary>
    public IModelGrain Grain { get; }

    /// <summary>Runs <paramref name="work"/> (any number of calls to <see cref="Grain"/>), naming a lost connection as such.</summary>
    public async Task<T> RunAsync<T>(Func<IModelGrain, Task<T>> work)
    {
        try
        {
            return await work(Grain).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (!_caller.IsCancellationRequested && _lost.IsCancellationRequested)
        {
            throw new ClusterConnectionLostException(_where);
        }
    }

    /// <summary>One call with its argument, without a closure.</summary>
    public async Task<T> CallAsync<TArgument, T>(TArgument argument, Func<IModelGrain, TArgument, Task<T>> call)
    {
        try
        {
            return await call(Grain, argument).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (!_caller.IsCancellationRequested && _lost.IsCancellationRequested)
        {
            throw new ClusterConnectionLostException(_where);
        }
    }

    public void Dispose() => _linked?.Dispose();
}
