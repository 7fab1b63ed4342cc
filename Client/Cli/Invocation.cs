using Unlearning.Cli.Output;
using Unlearning.Client.Calls;

namespace Unlearning.Cli;

/// <summary>
/// One run of a command: where its results go and its client of the cluster (<see cref="Client"/>: every cluster call
/// goes through it), which connects on its first call. Every call stops waiting when the command's token fires (the
/// deadline, or the user) or the connection is lost.
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

    public ValueTask DisposeAsync() => _cluster.DisposeAsync();
}
