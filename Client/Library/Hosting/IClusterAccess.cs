namespace Unlearning.Client.Hosting;

/// <summary>How <see cref="UnlearningClient"/> reaches the cluster: a hosted Orleans client, or one the CLI connects on first use.</summary>
internal interface IClusterAccess
{
    /// <summary>Where the cluster is, for messages: never a password.</summary>
    string Where { get; }

    /// <summary>Cancelled when the current connection has lost every gateway.</summary>
    CancellationToken Lost { get; }

    /// <summary>The grain factory of a connected client; connects first if need be.</summary>
    ValueTask<IGrainFactory> GrainsAsync(CancellationToken cancellationToken);
}

/// <summary>A client that its host started (dependency injection): always connected, or reconnecting by itself.</summary>
internal sealed class HostedClusterAccess(IClusterClient client, ConnectionWatch watch, string where) : IClusterAccess
{
    public string Where => where;

    public CancellationToken Lost => watch.Lost;

    public ValueTask<IGrainFactory> GrainsAsync(CancellationToken cancellationToken) => ValueTask.FromResult<IGrainFactory>(client);
}
