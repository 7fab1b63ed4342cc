using Microsoft.Extensions.DependencyInjection.Extensions;
using Orleans.Configuration;
using Orleans.Connections.Security;
using Unlearning.Client.Security;
using Unlearning.Compliance;

namespace Unlearning.Silo.Security;

public static class SecuritySetup
{
    /// <summary>Orleans logs every failed grain call here, exception message included: messages may name records.</summary>
    public const string OrleansInvokeExceptionCategory = "Orleans.Grain.InvokeException";

    /// <summary>
    /// The grain call filter (internal methods refused to clients, roles checked, tokens when the "Security" section names
    /// a key), the internal-call mark on this silo's own calls, and logging without grain exception messages. Part of
    /// every silo of this project, test and benchmark clusters included; TLS is separate (<see cref="UseUnlearningTls"/>).
    /// </summary>
    public static ISiloBuilder AddUnlearningSecurity(this ISiloBuilder silo, IConfiguration configuration)
    {
        var security = configuration.GetSection(SecurityOptions.Section).Get<SecurityOptions>() ?? new SecurityOptions();
        if (security.AnySecuritySetting && !security.Insecure)
            silo.Services.TryAddSingleton(new TokenValidator(security.Validated()));
        silo.Services.TryAddSingleton(_ => InternalCallKey.ForProcess());
        silo.Services.AddSingleton(services => new CallAuthorizationFilter(services.GetRequiredService<InternalCallKey>(),
            services.GetRequiredService<ILogger<CallAuthorizationFilter>>(), services.GetService<TokenValidator>(), services.GetService<AuditTrail>()));
        silo.Services.AddSingleton<IIncomingGrainCallFilter>(services => services.GetRequiredService<CallAuthorizationFilter>());
        silo.AddOutgoingGrainCallFilter<InternalCallStamp>();
        silo.Services.AddLogging(logging => logging.AddFilter(OrleansInvokeExceptionCategory, LogLevel.None));
        silo.Services.PostConfigure<LoggerFilterOptions>(NoOrleansDebugLines);
        return silo;
    }

    /// <summary>
    /// Orleans' Debug and Trace lines print whole messages, and a response message prints its result or exception, whose
    /// text may name records: a silo never writes them, whatever the configuration asks (Information and up only).
    /// </summary>
    public static void NoOrleansDebugLines(LoggerFilterOptions options)
    {
        for (var i = 0; i < options.Rules.Count; i++)
        {
            var rule = options.Rules[i];
            if (rule.CategoryName?.StartsWith("Orleans", StringComparison.Ordinal) == true && rule.CategoryName != OrleansInvokeExceptionCategory
                && rule.LogLevel is { } level && level < LogLevel.Information)
            {
                options.Rules[i] = new LoggerFilterRule(rule.ProviderName, rule.CategoryName, LogLevel.Information, rule.Filter);
            }
        }
        // Last, so that it wins over a rule of the same category from the configuration (e.g. Logging:LogLevel:Orleans).
        options.Rules.Add(new LoggerFilterRule(null, "Orleans", LogLevel.Information, null));
        options.Rules.Add(new LoggerFilterRule(null, OrleansInvokeExceptionCategory, LogLevel.None, null));
    }

    /// <summary>
    /// Silos of one cluster share a secret in its PostgreSQL database for the internal-call mark (the process key would
    /// differ between silo processes); read before the silo takes calls.
    /// </summary>
    public static ISiloBuilder UsePostgresInternalCallKey(this ISiloBuilder silo, string connectionString, string clusterId)
    {
        silo.Services.RemoveAll<InternalCallKey>();
        silo.Services.AddSingleton(InternalCallKey.Pending());
        silo.Services.AddSingleton<ILifecycleParticipant<ISiloLifecycle>>(services =>
            new PostgresKeyLoader(services.GetRequiredService<InternalCallKey>(), connectionString, clusterId));
        return silo;
    }

    /// <summary>
    /// Mutual TLS on every link of the silo: peers and clients must present a certificate that chains to the CA of
    /// <paramref name="security"/> (and nothing else: a custom trust store); a silo connecting to this one must hold a
    /// silo certificate (serverAuth and clientAuth), a client one for clientAuth; a silo this one connects to, serverAuth.
    /// </summary>
    public static ISiloBuilder UseUnlearningTls(this ISiloBuilder silo, SecurityOptions security)
    {
        var certificate = PeerCertificates.LoadPair(security.TlsCert!, security.TlsKey!);
        var authority = PeerCertificates.FromPemFile(security.TlsCa!);
        TlsOptions Options(params string[] usages) => new()
        {
            LocalCertificate = certificate,
            RemoteCertificateMode = RemoteCertificateMode.RequireCertificate,
            ClientCertificateMode = RemoteCertificateMode.RequireCertificate,
            RemoteCertificateValidation = (peer, chain, _) => authority.IsTrusted(peer, chain, usages),
        };
        var siloInbound = Options(DevCertificates.ServerAuthOid, DevCertificates.ClientAuthOid);
        var gatewayInbound = Options(DevCertificates.ClientAuthOid);
        var siloOutbound = Options(DevCertificates.ServerAuthOid);
        return silo.Configure<SiloConnectionOptions>(connections =>
        {
            connections.ConfigureSiloInboundConnection(connection => connection.UseServerTls(siloInbound));
            connections.ConfigureGatewayInboundConnection(connection => connection.UseServerTls(gatewayInbound));
            connections.ConfigureSiloOutboundConnection(connection => connection.UseClientTls(siloOutbound));
        });
    }

    private sealed class PostgresKeyLoader(InternalCallKey key, string connectionString, string clusterId) : ILifecycleParticipant<ISiloLifecycle>
    {
        // After the schema (ServiceLifecycleStage.First), before any grain call.
        public void Participate(ISiloLifecycle lifecycle) =>
            lifecycle.Subscribe(nameof(PostgresKeyLoader), ServiceLifecycleStage.RuntimeInitialize, async cancellationToken =>
                key.Use(await InternalCallKey.LoadPostgresSecretAsync(connectionString, clusterId, cancellationToken)));
    }
}
