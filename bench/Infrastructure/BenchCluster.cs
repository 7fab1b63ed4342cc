using System.Net;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Orleans.Configuration;
using Orleans.TestingHost;
using Unlearning.Client.Security;
using Unlearning.Silo;
using Unlearning.Silo.Security;
using Unlearning.TestKit;

namespace Unlearning.Bench.Infrastructure;

/// <summary>How the benchmark's client reaches the silos.</summary>
public enum ClusterTransport
{
    /// <summary>
    /// Real silo hosts in this process (localhost clustering plus the production <c>AddUnlearningGrains</c>), each
    /// listening on loopback TCP, and a separate Orleans client connecting to their gateways: what a user's client does.
    /// </summary>
    Tcp,
    /// <summary>
    /// <c>InProcessTestClusterBuilder</c> (the tests' cluster) and its client. It always wires Orleans' in-memory
    /// transport after the caller's configuration, so nothing crosses a socket: faster than a deployment, kept for comparison.
    /// </summary>
    TestingHost,
}

/// <summary>How the benchmark's TCP cluster is secured: as the Silo program is with --tls-* (and --auth-public-key for tokens).</summary>
public enum BenchSecurity
{
    /// <summary>Plain TCP, no tokens: the loopback default.</summary>
    None,
    /// <summary>Mutual TLS on every link, no tokens.</summary>
    Tls,
    /// <summary>Mutual TLS and a token on every call (a reader's, validated and cached by the silos).</summary>
    TlsAndTokens,
    /// <summary>
    /// Mutual TLS, no tokens, and the client puts one RequestContext entry the size of a token reference on every call,
    /// which nothing checks: what Orleans itself charges for carrying any credential in the RequestContext.
    /// </summary>
    TlsWithContextEntry,
}

/// <summary>A cluster of silos with the production grain setup and a client; every scenario talks to it only through <see cref="Client"/>.</summary>
public sealed class BenchCluster : IAsyncDisposable
{
    public const string ClusterId = "unlearning-bench";
    public const int DefaultSilos = 2;

    /// <summary>Set once by the runner from --cluster.</summary>
    public static ClusterTransport Transport { get; set; } = ClusterTransport.Tcp;

    private readonly Func<ValueTask> _dispose;
    private bool _keepStore;

    private BenchCluster(IClusterClient client, int silos, ProvisionedStorage store, Func<ValueTask> dispose)
    {
        Client = client;
        Silos = silos;
        Store = store;
        _dispose = dispose;
    }

    public IClusterClient Client { get; }
    public int Silos { get; }
    /// <summary>This cluster's own store, deleted when the cluster is disposed.</summary>
    public ProvisionedStorage Store { get; }
    public StorageKind Storage => Store.Kind;

    public IModelGrain Model(string name) => Client.GetGrain<IModelGrain>(name);

    public IPingGrain Ping(long key = 0) => Client.GetGrain<IPingGrain>(key);

    /// <summary>
    /// A no-op grain activated on the silo that hosts <paramref name="grain"/>, so that a call to either takes
    /// the same hops (gateway, then maybe one silo-to-silo hop); otherwise placement decides the ratio.
    /// Placement picks the silo, so this tries keys; when none lands there, <c>Beside</c> is false.
    /// </summary>
    public async Task<(IPingGrain Ping, bool Beside)> PingBesideAsync(IAddressable grain)
    {
        var management = Client.GetGrain<IManagementGrain>(0);
        async Task<SiloAddress?> SiloOf(GrainId id) =>
            (await management.GetDetailedGrainStatistics()).FirstOrDefault(s => s.GrainId == id)?.SiloAddress;
        var target = await SiloOf(grain.GetGrainId())
            ?? throw new InvalidOperationException($"{grain.GetGrainId()} has no activation");
        for (var key = 0L; key < 256; key++)
        {
            var ping = Ping(key);
            await ping.Ping(0);
            if (target.Equals(await SiloOf(ping.GetGrainId()))) return (ping, true);
        }
        return (Ping(0), false);
    }

    /// <summary>Starts silos on a fresh store of <paramref name="storage"/> (see <see cref="StorageBackends.ProvisionAsync"/>).</summary>
    /// <param name="security">TLS and tokens, as the Silo program sets them up (TCP transport only; the testing host has no sockets).</param>
    /// <param name="tcp">TCP on loopback whatever <see cref="Transport"/> says, to compare with a secured cluster.</param>
    public static async Task<BenchCluster> StartAsync(StorageKind storage = StorageKind.Memory, int silos = DefaultSilos,
        BenchSecurity security = BenchSecurity.None, bool tcp = false)
    {
        var store = await StorageBackends.ProvisionAsync(storage);
        try
        {
            return tcp || Transport == ClusterTransport.Tcp || security != BenchSecurity.None
                ? await StartTcpAsync(store, silos, security)
                : await StartTestingHostAsync(store, silos);
        }
        catch
        {
            await store.DisposeAsync();
            throw;
        }
    }

    /// <summary>The silos' gateway ports on loopback (TCP transport; empty for the in-memory testing host).</summary>
    public IReadOnlyList<int> GatewayPorts { get; private init; } = [];

    /// <summary>Starts silos (TCP, no TLS) on a store a stopped cluster left (<see cref="StopKeepingStoreAsync"/>): a restart.</summary>
    public static Task<BenchCluster> StartOnAsync(ProvisionedStorage store, int silos) => StartTcpAsync(store, silos, BenchSecurity.None);

    /// <summary>Stops the client and the silos and leaves the store as it is, for <see cref="StartOnAsync"/>.</summary>
    public ValueTask StopKeepingStoreAsync()
    {
        _keepStore = true;
        return DisposeAsync();
    }

    /// <summary>Stops the client and the silos, then deletes the store (unless <see cref="StopKeepingStoreAsync"/>).</summary>
    public async ValueTask DisposeAsync()
    {
        try
        {
            await _dispose();
        }
        finally
        {
            if (!_keepStore) await Store.DisposeAsync();
        }
    }

    private static async Task<BenchCluster> StartTcpAsync(ProvisionedStorage store, int silos, BenchSecurity security)
    {
        var configuration = store.Configuration();
        // A development set of credentials, as `unlearn dev-setup` writes it, for this cluster only.
        var credentialsFolder = security == BenchSecurity.None ? null : Directory.CreateTempSubdirectory("unlearning-bench-tls-").FullName;
        var credentials = credentialsFolder is null ? null : DevSetup.Write(Path.Combine(credentialsFolder, "dev"), overwrite: false);
        var tls = credentials is null ? null : new SecurityOptions
        {
            TlsCert = credentials.Path(DevSetup.SiloCertFile), TlsKey = credentials.Path(DevSetup.SiloKeyFile),
            TlsCa = credentials.Path(DevSetup.CaFile), AuthPublicKey = credentials.Path(DevSetup.SigningPublicKeyFile),
        };
        if (security == BenchSecurity.TlsAndTokens)
        {
            configuration = new ConfigurationBuilder().AddConfiguration(configuration).AddInMemoryCollection(new Dictionary<string, string?>
            {
                ["Security:TlsCert"] = tls!.TlsCert, ["Security:TlsKey"] = tls.TlsKey, ["Security:TlsCa"] = tls.TlsCa,
                ["Security:AuthPublicKey"] = tls.AuthPublicKey,
            }).Build();
        }
        string? token = null;
        if (security == BenchSecurity.TlsAndTokens)
        {
            using var issuer = TokenIssuer.FromPemFile(credentials!.Path(DevSetup.SigningKeyFile));
            // Admin: the benchmark also pings its own grain and reads placement from Orleans' management grain.
            token = issuer.Issue(new TokenRequest([Roles.Reader, Roles.Writer, Roles.Admin])).Token;
        }
        // The size of a token reference; a key of its own, so that a silo's filter never reads it.
        IOutgoingGrainCallFilter? contextEntry = security == BenchSecurity.TlsWithContextEntry
            ? new ContextEntryStamp("bench-context-entry", new string('x', TokenReference.Length))
            : null;
        var clientSecurity = credentials is null ? ClientSecurity.None : new ClientSecurity(
            new ClientTls(credentials.Path(DevSetup.CaFile), credentials.Path(DevSetup.ClientCertFile), credentials.Path(DevSetup.ClientKeyFile)), token);
        var ports = FreePorts.Take(2 * silos);
        var primary = new IPEndPoint(IPAddress.Loopback, ports[0]);
        var hosts = new List<IHost>();
        IHost? clientHost = null;
        try
        {
            for (var i = 0; i < silos; i++)
            {
                var builder = Host.CreateEmptyApplicationBuilder(new HostApplicationBuilderSettings());
                builder.Services.AddSingleton<IHostLifetime, NoSignalLifetime>();
                var siloPort = ports[2 * i];
                var gatewayPort = ports[2 * i + 1];
                builder.UseOrleans(silo =>
                {
                    silo.UseLocalhostClustering(siloPort, gatewayPort, primary, ClusterIdentity.DefaultServiceId, ClusterId);
                    if (tls is not null) silo.UseUnlearningTls(tls);
                    silo.AddUnlearningGrains(configuration);
                });
                var host = builder.Build();
                hosts.Add(host);
                await host.StartAsync();
            }

            var gateways = Enumerable.Range(0, silos).Select(i => new IPEndPoint(IPAddress.Loopback, ports[2 * i + 1])).ToArray();
            var clientBuilder = Host.CreateEmptyApplicationBuilder(new HostApplicationBuilderSettings());
            clientBuilder.Services.AddSingleton<IHostLifetime, NoSignalLifetime>();
            clientBuilder.UseOrleansClient(client =>
            {
                clientSecurity.ApplyTo(client);
                if (contextEntry is not null) client.AddOutgoingGrainCallFilter(contextEntry);
                client
                    .UseStaticClustering(gateways)
                    .Configure<ClusterOptions>(options =>
                    {
                        options.ClusterId = ClusterId;
                        options.ServiceId = ClusterIdentity.DefaultServiceId;
                    })
                    .Configure<ClientMessagingOptions>(options => options.ResponseTimeout = ClusterIdentity.ResponseTimeout);
            });
            clientHost = clientBuilder.Build();
            await clientHost.StartAsync();
            var started = clientHost;
            return new BenchCluster(started.Services.GetRequiredService<IClusterClient>(), silos, store, async () =>
            {
                await StopAsync(started);
                for (var i = hosts.Count - 1; i >= 0; i--) await StopAsync(hosts[i]);
                if (credentialsFolder is not null) Directory.Delete(credentialsFolder, recursive: true);
            })
            {
                GatewayPorts = [.. gateways.Select(g => g.Port)],
            };
        }
        catch
        {
            if (clientHost is not null) await StopAsync(clientHost);
            for (var i = hosts.Count - 1; i >= 0; i--) await StopAsync(hosts[i]);
            if (credentialsFolder is not null) Directory.Delete(credentialsFolder, recursive: true);
            throw;
        }
    }

    private static async Task<BenchCluster> StartTestingHostAsync(ProvisionedStorage store, int silos)
    {
        var configuration = store.Configuration();
        var builder = new InProcessTestClusterBuilder((short)silos);
        builder.Options.ClusterId = ClusterId;
        builder.Options.ServiceId = ClusterIdentity.DefaultServiceId;
        builder.Options.ConfigureFileLogging = false;
        builder.ConfigureHost(host => host.Logging.ClearProviders());
        builder.ConfigureSilo((_, silo) => silo.AddUnlearningGrains(configuration));
        builder.ConfigureClient(client => client.Configure<ClientMessagingOptions>(options => options.ResponseTimeout = ClusterIdentity.ResponseTimeout));
        var cluster = builder.Build();
        await cluster.DeployAsync();
        return new BenchCluster(cluster.Client, silos, store, async () =>
        {
            await cluster.StopAllSilosAsync();
            await cluster.DisposeAsync();
        });
    }

    private static async Task StopAsync(IHost host)
    {
        try
        {
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
            await host.StopAsync(timeout.Token);
        }
        finally
        {
            if (host is IAsyncDisposable asyncDisposable) await asyncDisposable.DisposeAsync();
            else host.Dispose();
        }
    }

    /// <summary>
    /// The hosts live and die with the benchmark: without the default console lifetime, Ctrl+C and SIGTERM end the
    /// process at once instead of stopping the silos under a benchmark that keeps running.
    /// </summary>
    private sealed class NoSignalLifetime : IHostLifetime
    {
        public Task WaitForStartAsync(CancellationToken cancellationToken) => Task.CompletedTask;
        public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
    }

}
