using Unlearning.Cli.Output;
using Unlearning.Client.Calls;

namespace Unlearning.Cli;

/// <summary>
/// One run of a command: where its results go and its client of the cluster, which connects on its first call. Every
/// cluster call stops waiting when the command's token fires (the deadline, or the user) or the connection is lost.
/// </summary>
internal sealed class Invocation : IAsyncDisposable
{
    // A command's reads are tried again until its own deadline (--timeout), not a window of their own.
    private static readonly CallPolicy Policy = CallPolicy.Create(new UnlearningResilienceOptions { ReadRetryWindow = Timeout.InfiniteTimeSpan });

    private readonly LazyClusterAccess _cluster;
    private CancellationTokenSource? _linked;
    private CancellationToken? _bound;

    public Invocation(ClusterTarget target, ClusterConnector connect, IResultWriter output, ProgressDisplay progress, CancellationToken stop)
    {
        _cluster = new LazyClusterAccess(target, connect, stop);
        Client = new UnlearningClient(_cluster, Policy);
        Output = output;
        Progress = progress;
    }

    public IUnlearningClient Client { get; }

    public IResultWriter Output { get; }

    public ProgressDisplay Progress { get; }

    /// <summary>Whether the connection to the cluster was lost (every gateway gone) while the command ran.</summary>
    public bool ConnectionLost => _cluster.IsLost;

    /// <summary>
    /// The answer of <paramref name="call"/> on the cluster's grain <typeparamref name="TGrain"/> <paramref name="key"/>
    /// (the audit log, the signing keys); stops waiting when the command does or the connection is lost.
    /// </summary>
    public async Task<T> CallAsync<TGrain, T>(string key, Func<TGrain, Task<T>> call, CancellationToken cancellationToken)
        where TGrain : IGrainWithStringKey
    {
        var grains = await _cluster.GrainsAsync(cancellationToken);
        using var calls = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, _cluster.Lost);
        return await call(grains.GetGrain<TGrain>(key)).WaitAsync(calls.Token);
    }

    /// <summary>The model's grain, guarded like the client library's calls (delete, dry runs), connecting on first use.</summary>
    public async Task<IModelGrain> ModelAsync(string name, CancellationToken cancellationToken)
    {
        var grains = await _cluster.GrainsAsync(cancellationToken);
        return new GuardedModelGrain(grains.GetGrain<IModelGrain>(name), Calls(cancellationToken), Policy);
    }

    /// <summary>The forget request <paramref name="id"/>'s grain (a new id makes a new request when a part is sent).</summary>
    public async Task<IForgetRequestGrain> RequestAsync(string id, CancellationToken cancellationToken)
    {
        var grains = await _cluster.GrainsAsync(cancellationToken);
        return new GuardedRequestGrain(grains.GetGrain<IForgetRequestGrain>(id), Calls(cancellationToken));
    }

    /// <summary>A grain keyed by <paramref name="key"/> whose calls are quick reads; each stops with the command.</summary>
    public async Task<T> GrainAsync<T>(string key, CancellationToken cancellationToken) where T : IGrainWithStringKey
    {
        var grains = await _cluster.GrainsAsync(cancellationToken);
        _bound ??= Calls(cancellationToken);
        return grains.GetGrain<T>(key);
    }

    /// <summary>Stops waiting on <paramref name="call"/> when the command stops or the connection is lost.</summary>
    public Task<T> Bounded<T>(Task<T> call) => call.WaitAsync(_bound ?? CancellationToken.None);

    /// <summary>The command's token joined with the connection's loss (the connection exists once a grain was asked for).</summary>
    private CancellationToken Calls(CancellationToken cancellationToken)
    {
        _linked ??= CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, _cluster.Lost);
        return _linked.Token;
    }

    public ValueTask DisposeAsync()
    {
        _linked?.Dispose();
        return _cluster.DisposeAsync();
    }
}
