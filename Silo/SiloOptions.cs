namespace Unlearning.Silo;

/// <summary>Where the silo listens and which cluster it joins; bound from the "Silo" configuration section.</summary>
public sealed class SiloOptions
{
    public const string Section = "Silo";

    /// <summary>Orleans' ClusterMembershipOptions (probe timeouts, votes, ...), bound as they are named.</summary>
    public const string MembershipSection = "Membership";

    /// <summary>Orleans' ActivationRebalancerOptions (due time, cycle period, ...), bound as they are named; used with <see cref="Rebalance"/>.</summary>
    public const string RebalancerSection = "Rebalancer";

    public string ClusterId { get; set; } = ClusterIdentity.DefaultClusterId;
    public string ServiceId { get; set; } = ClusterIdentity.DefaultServiceId;
    public int SiloPort { get; set; } = 11111;
    public int GatewayPort { get; set; } = 30000;

    /// <summary>
    /// The address other silos and clients reach this silo at, as published in the membership table
    /// (cluster mode). The loopback default suits silos on one machine; across machines, give this
    /// machine's address, and the silo then listens on all interfaces.
    /// </summary>
    public string AdvertisedAddress { get; set; } = "127.0.0.1";

    /// <summary>
    /// Enables Orleans' experimental activation rebalancer: activations (shards) migrate between silos to
    /// even out their counts and memory, so a joining silo also takes a share of existing shards, not only
    /// of new ones. Every silo of the cluster should have the same setting.
    /// </summary>
    public bool Rebalance { get; set; }

    /// <summary>
    /// Runs as a pod of a Kubernetes StatefulSet or Deployment (<c>--kubernetes</c>): the address, cluster id and service id
    /// come from the pod's environment, and Orleans' Kubernetes hosting removes pods of silos declared dead
    /// (<see cref="Kubernetes.KubernetesHosting"/>).
    /// </summary>
    public bool Kubernetes { get; set; }

    /// <summary>Short command-line switches for the options operators change most.</summary>
    public static readonly Dictionary<string, string> SwitchMappings = new()
    {
        ["--silo-port"] = $"{Section}:{nameof(SiloPort)}",
        ["--gateway-port"] = $"{Section}:{nameof(GatewayPort)}",
        ["--cluster-id"] = $"{Section}:{nameof(ClusterId)}",
        ["--address"] = $"{Section}:{nameof(AdvertisedAddress)}",
    };

    /// <summary>Command-line flags (no value), rewritten to settings before the configuration reads the command line.</summary>
    public static readonly Dictionary<string, string> Flags = new()
    {
        ["--rebalance"] = $"--{Section}:{nameof(Rebalance)}=true",
        ["--kubernetes"] = $"--{Section}:{nameof(Kubernetes)}=true",
    };
}
