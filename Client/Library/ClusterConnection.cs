using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Unlearning.Client.Hosting;
using Unlearning.Client.Security;

namespace Unlearning.Client;

/// <summary>The cluster a command talks to: through one gateway, or through the gateways listed in the PostgreSQL membership table.</summary>
internal sealed record ClusterTarget(string ClusterId, GatewayAddress? Gateway = null, string? Postgres = null, ClientSecurity? Security = null)
{
    /// <summary>Where the cluster was looked for, for messages: never the password.</summary>
    public string Where => Postgres is null
        ? $"at gateway {Gateway}"
        : $"through the PostgreSQL membership table ({PostgresConnectionString.Redact(Postgres)})";

    /// <summary><paramref name="message"/> without the connection string's passwords.</summary>
    public string Scrub(string message) => Postgres is null ? message : PostgresConnectionString.Scrub(message, Postgres);

    /// <summary>The same cluster as client options.</summary>
    public UnlearningClientOptions Options(UnlearningResilienceOptions resilience) => new()
    {
        Gateways = Gateway is null ? [] : [Gateway.ToString()],
        PostgresConnectionString = Postgres,
        ClusterId = ClusterId,
        Tls = Security?.Tls,
        Token = Security?.Token,
        Resilience = resilience,
    };

    // Not the generated one, which would print the connection string with its password.
    public override string ToString() => Postgres is null ? $"{Gateway}" : $"postgres {PostgresConnectionString.Redact(Postgres)}";
}

internal delegate Task<ClusterConnection> ClusterConnector(ClusterTarget target, CancellationToken cancellationToken);

/// <summary>The gateway could not be resolved or reached.</summary>
internal sealed class ClusterUnreachableException(string where, string reason, Exception? inner = null)
    : Exception($"cannot reach the cluster {where}: {reason}", inner);

/// <summary>A connected Orleans client, owning the host it runs in unless it was borrowed.</summary>
internal sealed class ClusterConnection : IAsyncDisposable
{
    // Orleans keeps retrying an unreachable gateway for minutes; a command should fail fast instead,
    // while still riding out a silo that is a few seconds from listening.
    private static readonly TimeSpan ConnectTimeout = TimeSpan.FromSeconds(15);

    private readonly IHost? _host;
    private readonly ConnectionWatch? _watch;

    private ClusterConnection(IClusterClient client, IHost? host, ConnectionWatch? watch)
    {
        Client = client;
        _host = host;
        _watch = watch;
    }

    public IClusterClient Client { get; }

    /// <summary>Cancelled when the client has lost every gateway (never, for a borrowed client).</summary>
    public CancellationToken Lost => _watch?.Lost ?? CancellationToken.None;

    public bool IsLost => _watch?.IsLost ?? false;

    /// <summary>Wraps a client someone else owns (a test cluster's, say); disposing leaves it running.</summary>
    public static ClusterConnection Borrow(IClusterClient client) => new(client, null, null);

    public static async Task<ClusterConnection> OpenAsync(ClusterTarget target, CancellationToken cancellationToken)
    {
        // Resolved once before anything starts, so that a name that does not resolve fails at once, saying so.
        if (target.Gateway is { } address) await GatewayList.ResolveAsync(address, cancellationToken);

        // The empty builder registers no logging providers, so nothing reaches stdout.
        var builder = Host.CreateEmptyApplicationBuilder(new HostApplicationBuilderSettings());
        var watch = new ConnectionWatch();
        builder.UseOrleansClient(client => OrleansClientSetup.Configure(client, target.Options(new UnlearningResilienceOptions()), watch));
        var host = builder.Build();
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(ConnectTimeout);
        try
        {
            await host.StartAsync(timeout.Token);
        }
        catch (Exception e)
        {
            host.Dispose();
            cancellationToken.ThrowIfCancellationRequested();
            var reason = e is OperationCanceledException
                ? $"no connection within {ConnectTimeout.TotalSeconds} s{TlsHint(target)}"
                : e.GetBaseException().Message;
            throw new ClusterUnreachableException(target.Where, target.Scrub(reason), e);
        }

        return new ClusterConnection(host.Services.GetRequiredService<IClusterClient>(), host, watch);
    }

    // A TLS handshake that fails looks like a gateway that never answers: say what to check.
    private static string TlsHint(ClusterTarget target) => target.Security?.Tls is null
        ? " (a cluster with mutual TLS refuses clients without --tls-ca, --tls-cert and --tls-key)"
        : " (with TLS: check that the client's certificate is signed by the cluster's CA, and --tls-ca is the CA of the silos' certificates)";

    public async ValueTask DisposeAsync()
    {
        if (_host is not null)
        {
            // A client whose gateways are gone would try to say goodbye to them for a while: it has nothing to wait for.
            using var stopping = new CancellationTokenSource(IsLost ? TimeSpan.Zero : TimeSpan.FromSeconds(5));
            try
            {
                await _host.StopAsync(stopping.Token);
            }
            catch (OperationCanceledException)
            {
            }
            _host.Dispose();
        }
    }
}

/// <summary>A command's way to the cluster: connected on its first call, so that bad input fails before any network work.</summary>
internal sealed class LazyClusterAccess(ClusterTarget target, ClusterConnector connect, CancellationToken stop) : IClusterAccess, IAsyncDisposable
{
    private Task<ClusterConnection>? _connecting;

    public string Where => target.Where;

    public CancellationToken Lost => _connecting is { IsCompletedSuccessfully: true } done ? done.Result.Lost : CancellationToken.None;

    /// <summary>Whether the connection to the cluster was lost (every gateway gone) while the command ran.</summary>
    public bool IsLost => _connecting is { IsCompletedSuccessfully: true } done && done.Result.IsLost;

    public async ValueTask<IGrainFactory> GrainsAsync(CancellationToken cancellationToken)
    {
        if (_connecting is null)
        {
            using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, stop);
            _connecting = connect(target, linked.Token);
            return (await _connecting).Client;
        }

        return (await _connecting).Client;
    }

    public async ValueTask DisposeAsync()
    {
        if (_connecting is { IsCompletedSuccessfully: true } done) await done.Result.DisposeAsync();
    }
}
