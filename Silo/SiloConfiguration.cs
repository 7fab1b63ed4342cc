using System.Net;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Orleans.Configuration;
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
        silo.Configure<SiloMessagingOptions>(options => options.ResponseTimeout = ClusterIdentity.ResponseTimeout);
        return silo.AddUnlearningStorage(storage);
    }

    /// <summary>The Silo program's setup: clustering chosen by the storage (localhost, or the PostgreSQL membership table), then the grains.</summary>
    public static ISiloBuilder ConfigureUnlearningSilo(this ISiloBuilder silo, SiloOptions options, IConfiguration configuration)
    {
        var storage = StorageFrom(configuration).Validated();
        if (storage.Provider == StorageProvider.Postgres)
        {
            var address = IPAddress.Parse(options.AdvertisedAddress);
            silo.UseAdoNetClustering(clustering =>
            {
                clustering.Invariant = PostgresStorage.Invariant;
                clustering.ConnectionString = storage.Postgres;
            });
            silo.Configure<ClusterOptions>(cluster =>
            {
                cluster.ClusterId = options.ClusterId;
                cluster.ServiceId = options.ServiceId;
            });
            silo.ConfigureEndpoints(address, options.SiloPort, options.GatewayPort, listenOnAnyHostAddress: !IPAddress.IsLoopback(address));
        }
        else
        {
            silo.UseLocalhostClustering(options.SiloPort, options.GatewayPort, serviceId: options.ServiceId, clusterId: options.ClusterId);
        }
        silo.Services.Configure<ClusterMembershipOptions>(configuration.GetSection(SiloOptions.MembershipSection));
        return silo.AddUnlearningGrains(configuration, storage);
    }

    public static StorageOptions StorageFrom(IConfiguration configuration) =>
        configuration.GetSection(StorageOptions.Section).Get<StorageOptions>() ?? new StorageOptions();
}
