namespace Unlearning.Silo;

/// <summary>Where the silo listens and which cluster it joins; bound from the "Silo" configuration section.</summary>
public sealed class SiloOptions
{
    public const string Section = "Silo";

    /// <summary>Orleans' ClusterMembershipOptions (probe timeouts, votes, ...), bound as they are named.</summary>
    public const string MembershipSection = "Membership";

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

    /// <summary>Short command-line switches for the options operators change most.</summary>
    public static readonly Dictionary<string, string> SwitchMappings = new()
    {
        ["--silo-port"] = $"{Section}:{nameof(SiloPort)}",
        ["--gateway-port"] = $"{Section}:{nameof(GatewayPort)}",
        ["--cluster-id"] = $"{Section}:{nameof(ClusterId)}",
        ["--address"] = $"{Section}:{nameof(AdvertisedAddress)}",
    };
}
