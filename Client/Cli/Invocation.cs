using Unlearning.Cli.Output;

namespace Unlearning.Cli;

/// <summary>
/// One run of a command: where its results go and, once it asks, its connection to the cluster. Every cluster call
/// stops waiting when <paramref name="stop"/> fires (the deadline, or the user) or the connection is lost.
/// </summary>
internal sealed class Invocation(ClusterTarget target, ClusterConnector connect, IResultWriter output, ProgressDisplay progress, CancellationToken stop)
    : IAsyncDisposable
{
    private ClusterConnection? _connection;
    private CancellationTokenSource? _calls;

    public IResultWriter Output => output;

    public ProgressDisplay Progress => progress;

    /// <summary>Whether the connection to the cluster was lost (every gateway gone) while the command ran.</summary>
    public bool ConnectionLost => _connection?.IsLost ?? false;

    /// <summary>The model's grain, connecting on first use so that bad input fails before any network work.</summary>
    public async Task<IModelGrain> ModelAsync(string name, CancellationToken cancellationToken)
    {
        var client = await ClientAsync(cancellationToken);
        return new GuardedModelGrain(client.GetGrain<IModelGrain>(name), _calls!.Token);
    }

    /// <summary>
    /// The answer of <paramref name="call"/> on the cluster's grain <typeparamref name="TGrain"/> <paramref name="key"/>;
    /// stops waiting when the command does or the connection is lost.
    /// </summary>
    public async Task<T> CallAsync<TGrain, T>(string key, Func<TGrain, Task<T>> call, CancellationToken cancellationToken)
        where TGrain : IGrainWithStringKey
    {
        var client = await ClientAsync(cancellationToken);
        return await call(client.GetGrain<TGrain>(key)).WaitAsync(_calls!.Token);
    }

    private async Task<IClusterClient> ClientAsync(CancellationToken cancellationToken)
    {
        if (_connection is null)
        {
            _connection = await connect(target, CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, stop).Token);
            _calls = CancellationTokenSource.CreateLinkedTokenSource(stop, _connection.Lost);
        }
        return _connection.Client;
    }

    public async ValueTask DisposeAsync()
    {
        _calls?.Dispose();
        if (_connection is not null) await _connection.DisposeAsync();
    }
}
