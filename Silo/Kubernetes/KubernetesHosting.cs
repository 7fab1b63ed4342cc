using Orleans.Hosting.Kubernetes;
using Unlearning.Silo.Storage;

namespace Unlearning.Silo.Kubernetes;

/// <summary>
/// The <c>--kubernetes</c> switch: a silo in a pod takes its address (POD_IP), name (POD_NAME), namespace
/// (POD_NAMESPACE), cluster id (ORLEANS_CLUSTER_ID) and service id (ORLEANS_SERVICE_ID) from the environment the
/// manifests give it (deploy/kubernetes/), listens on every interface, keeps its models and membership in PostgreSQL,
/// and runs Orleans' Kubernetes hosting, which watches the pods of its cluster and deletes those of silos declared dead.
/// </summary>
public static class KubernetesHosting
{
    /// <summary>The variables the pod must have: Orleans' Kubernetes hosting refuses to start without them.</summary>
    public static readonly string[] RequiredVariables =
    [
        KubernetesHostingOptions.PodIPEnvironmentVariable,
        KubernetesHostingOptions.PodNameEnvironmentVariable,
        KubernetesHostingOptions.PodNamespaceEnvironmentVariable,
    ];

    /// <summary>
    /// <paramref name="options"/> as the pod's <paramref name="environment"/> sets them: its IP as the advertised address,
    /// and the cluster and service ids when the pod has them. Unchanged without <see cref="SiloOptions.Kubernetes"/>.
    /// </summary>
    public static SiloOptions Apply(SiloOptions options, Func<string, string?> environment)
    {
        if (!options.Kubernetes) return options;
        var missing = RequiredVariables.Where(name => string.IsNullOrWhiteSpace(environment(name))).ToArray();
        if (missing.Length > 0)
            throw new InvalidOperationException($"--kubernetes needs the pod's {string.Join(", ", missing)} in the environment (the downward API; see deploy/kubernetes/silo.yaml)");
        var podIp = environment(KubernetesHostingOptions.PodIPEnvironmentVariable)!.Trim();
        if (!System.Net.IPAddress.TryParse(podIp, out _))
            throw new InvalidOperationException($"--kubernetes: {KubernetesHostingOptions.PodIPEnvironmentVariable} must be an IP address, not '{podIp}'");
        return new SiloOptions
        {
            ClusterId = NonEmpty(environment(KubernetesHostingOptions.ClusterIdEnvironmentVariable)) ?? options.ClusterId,
            ServiceId = NonEmpty(environment(KubernetesHostingOptions.ServiceIdEnvironmentVariable)) ?? options.ServiceId,
            SiloPort = options.SiloPort,
            GatewayPort = options.GatewayPort,
            AdvertisedAddress = podIp,
            Rebalance = options.Rebalance,
            Kubernetes = true,
        };
    }

    /// <summary>Orleans' Kubernetes hosting on <paramref name="silo"/>; the storage must be PostgreSQL (pods share no disk).</summary>
    public static ISiloBuilder UseUnlearningKubernetes(this ISiloBuilder silo, StorageOptions storage)
    {
        if (storage.EffectiveProvider != StorageProvider.Postgres)
            throw new InvalidOperationException("--kubernetes needs PostgreSQL storage (--postgres or Storage__Postgres from a Secret): pods share no disk for SQLite, and memory keeps nothing");
        return silo.UseKubernetesHosting();
    }

    private static string? NonEmpty(string? value) => string.IsNullOrWhiteSpace(value) ? null : value.Trim();
}
