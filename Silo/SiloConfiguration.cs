using System.Net;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using Orleans.Configuration;
using Orleans.Dashboard;
using Unlearning.Calls;
using Unlearning.Client;
using Unlearning.Compliance;
using Unlearning.Placement;
using Unlearning.Serving;
using Unlearning.Silo.Kubernetes;
using Unlearning.Silo.Management;
using Unlearning.Silo.Security;
using Unlearning.Silo.Storage;

namespace Unlearning.Silo;

public static class SiloConfiguration
{
    /// <summary>
    /// Everything a silo of this cluster needs but its clustering; shared by the Silo program and the
    /// test clusters. Grain storage comes from the "Storage" section of <paramref name="configuration"/>.
    /// </summary>
    public static ISiloBuilder AddUnlearningGrains(this ISiloBuilder silo, IConfiguration configuration) =>
        silo.AddUnlearningGrains(configuration, StorageFrom(configuration));

    /// <summary>As <see cref="AddUnlearningGrains(ISiloBuilder, IConfiguration)"/>, with the storage given.</summary>
    public static ISiloBuilder AddUnlearningGrains(this ISiloBuilder silo, IConfiguration configuration, StorageOptions storage)
    {
        silo.Services.Configure<UnlearningOptions>(configuration.GetSection(UnlearningOptions.Section));
        silo.Services.Configure<ComplianceOptions>(configuration.GetSection(ComplianceOptions.Section));
        silo.Services.AddHostedService<ForgetRequestRecovery>();
        silo.Services.AddSingleton<IConfigureOptions<GrainCollectionOptions>, GrainCollection>();
        silo.Services.TryAddSingleton(TimeProvider.System);
        silo.AddUnlearningTelemetry();
        silo.Configure<SiloMessagingOptions>(options => options.ResponseTimeout = ClusterIdentity.ResponseTimeout);
        silo.AddUnlearningCompliance(configuration);
        silo.Services.AddSingleton<SiloSlots>();
        silo.Services.AddSingleton<ILifecycleParticipant<ISiloLifecycle>>(services => services.GetRequiredService<SiloSlots>());
        silo.Services.AddPlacementDirector<ShardSpreadPlacement, ShardSpreadPlacementDirector>();
        silo.Services.AddPlacementDirector<SiloPinnedPlacement, SiloPinnedPlacementDirector>();
        silo.Services.AddSingleton<ReplicaCache>();
        silo.Services.AddSingleton<ReplicaHosts>();
        silo.Services.AddSingleton<CallLedger>();
        silo.Services.AddSingleton<IIncomingGrainCallFilter, CallLedgerFilter>();
        silo.AddUnlearningSecurity(configuration);
        return silo.AddUnlearningStorage(storage);
    }

    /// <summary>
    /// The Silo program's setup: clustering chosen by the storage (localhost, or the PostgreSQL membership
    /// table), mutual TLS when configured, the grains, and the optional activation rebalancer and dashboard.
    /// </summary>
    public static ISiloBuilder ConfigureUnlearningSilo(this ISiloBuilder silo, SiloOptions options, IConfiguration configuration, DashboardSettings? dashboard = null)
    {
        var storage = StorageFrom(configuration).Validated();
        var security = SecurityFrom(configuration);
        if (security.AnySecuritySetting && !security.Insecure)
            silo.UseUnlearningTls(security.Validated());
        if (options.Kubernetes) silo.UseUnlearningKubernetes(storage);
        if (storage.Provider == StorageProvider.Postgres)
        {
            var address = IPAddress.Parse(options.AdvertisedAddress);
            silo.UseAdoNetClustering(clustering =>
            {
                clustering.Invariant = PostgresConnectionString.Invariant;
                clustering.ConnectionString = storage.Postgres;
            });
            silo.Configure<ClusterOptions>(cluster =>
            {
                cluster.ClusterId = options.ClusterId;
                cluster.ServiceId = options.ServiceId;
            });
            silo.ConfigureEndpoints(address, options.SiloPort, options.GatewayPort, listenOnAnyHostAddress: !IPAddress.IsLoopback(address));
            // Silo processes tell their own calls from clients' by a secret they share in the database.
            silo.UsePostgresInternalCallKey(storage.Postgres!, options.ClusterId);
        }
        else
        {
            silo.UseLocalhostClustering(options.SiloPort, options.GatewayPort, serviceId: options.ServiceId, clusterId: options.ClusterId);
            // A localhost cluster is this one silo: a second one on the same SQLite file would be a second cluster.
            if (storage.Provider == StorageProvider.Sqlite)
                silo.Services.AddSingleton<ILifecycleParticipant<ISiloLifecycle>, DataDirectoryLock>();
        }
        silo.Services.Configure<ClusterMembershipOptions>(configuration.GetSection(SiloOptions.MembershipSection));
        if (options.Rebalance)
        {
#pragma warning disable ORLEANSEXP002 // experimental: the rebalancer is opt-in (--rebalance) and documented as such
            silo.AddActivationRebalancer();
#pragma warning restore ORLEANSEXP002
            silo.Services.Configure<ActivationRebalancerOptions>(configuration.GetSection(SiloOptions.RebalancerSection));
        }
        if (dashboard is { Enabled: true })
        {
            silo.AddDashboard();
        }
        else
        {
            // The dashboard's grains come with its assembly, but their services only with AddDashboard: a silo
            // without it must not host them, or a dashboard elsewhere in the cluster fails on activations placed here.
            var dashboardAssembly = typeof(DashboardOptions).Assembly;
            silo.Services.PostConfigure<GrainTypeOptions>(types => types.Classes.RemoveWhere(type => type.Assembly == dashboardAssembly));
        }
        return silo.AddUnlearningGrains(configuration, storage);
    }

    /// <summary>The audit log's subject keys and the receipt-signing key (sections "Audit" and "Receipts"), read at start-up so a bad file stops it.</summary>
    private static ISiloBuilder AddUnlearningCompliance(this ISiloBuilder silo, IConfiguration configuration)
    {
        silo.Services.Configure<AuditOptions>(configuration.GetSection(AuditOptions.Section));
        silo.Services.Configure<ReceiptOptions>(configuration.GetSection(ReceiptOptions.Section));
        silo.Services.AddSingleton<SubjectKeys>();
        silo.Services.AddSingleton<ReceiptSigner>();
        silo.Services.AddSingleton<AuditTrail>();
        return silo;
    }

    public static SecurityOptions SecurityFrom(IConfiguration configuration) =>
        configuration.GetSection(SecurityOptions.Section).Get<SecurityOptions>() ?? new SecurityOptions();

    public static StorageOptions StorageFrom(IConfiguration configuration) =>
        configuration.GetSection(StorageOptions.Section).Get<StorageOptions>() ?? new StorageOptions();
}
