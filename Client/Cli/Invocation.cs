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

    /// <summary>The forget request <paramref name="id"/>'s grain (a new id makes a new request when a part is sent).</summary>
    public async Task<IForgetRequestGrain> RequestAsync(string id, CancellationToken cancellationToken)
    {
        var client = await ClientAsync(cancellationToken);
        return new GuardedRequestGrain(client.GetGrain<IForgetRequestGrain>(id), _calls!.Token);
    }

    /// <summary>A grain keyed by <paramref name="key"/> whose calls are quick reads; each stops with the command.</summary>
    public async Task<T> GrainAsync<T>(string key, CancellationToken cancellationToken) where T : IGrainWithStringKey
    {
        var client = await ClientAsync(cancellationToken);
        return client.GetGrain<T>(key);
    }

    /// <summary>Stops waiting on <paramref name="call"/> when the command stops or the connection is lost.</summary>
    public Task<T> Bounded<T>(Task<T> call) => call.WaitAsync(_calls!.Token);

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
