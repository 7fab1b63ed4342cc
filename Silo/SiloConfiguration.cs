using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Orleans.Configuration;

namespace Unlearning.Silo;

public static class SiloConfiguration
{
    /// <summary>Everything a silo of this cluster needs; shared by the Silo program and the test clusters.</summary>
    public static ISiloBuilder AddUnlearningGrains(this ISiloBuilder silo, IConfiguration configuration)
    {
        silo.Services.Configure<UnlearningOptions>(configuration.GetSection(UnlearningOptions.Section));
        silo.Configure<SiloMessagingOptions>(options => options.ResponseTimeout = ClusterIdentity.ResponseTimeout);
        silo.AddMemoryGrainStorage(StorageNames.Models);
        silo.AddMemoryGrainStorage(StorageNames.Shards);
        return silo;
    }

    public static ISiloBuilder ConfigureUnlearningSilo(this ISiloBuilder silo, SiloOptions options, IConfiguration configuration)
    {
        silo.UseLocalhostClustering(options.SiloPort, options.GatewayPort, serviceId: options.ServiceId, clusterId: options.ClusterId);
        return silo.AddUnlearningGrains(configuration);
    }
}
