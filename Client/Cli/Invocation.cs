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

    public ValueTask DisposeAsync() => _cluster.DisposeAsync();
}
