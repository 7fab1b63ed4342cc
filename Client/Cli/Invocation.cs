using Unlearning.Cli.Output;

namespace Unlearning.Cli;

/// <summary>One run of a command: where its results go and, once it asks, its connection to the cluster.</summary>
internal sealed class Invocation(ClusterTarget target, ClusterConnector connect, IResultWriter output, ProgressDisplay progress)
    : IAsyncDisposable
{
    private ClusterConnection? _connection;

    public IResultWriter Output => output;

    public ProgressDisplay Progress => progress;

    /// <summary>The model's grain, connecting on first use so that bad input fails before any network work.</summary>
    public async Task<IModelGrain> ModelAsync(string name, CancellationToken cancellationToken)
    {
        _connection ??= await connect(target, cancellationToken);
        return _connection.Client.GetGrain<IModelGrain>(name);
    }

    public ValueTask DisposeAsync() => _connection?.DisposeAsync() ?? ValueTask.CompletedTask;
}
