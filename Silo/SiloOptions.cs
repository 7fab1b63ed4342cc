namespace Unlearning.Silo;

/// <summary>Where the silo listens and which cluster it joins; bound from the "Silo" configuration section.</summary>
public sealed class SiloOptions
{
    public const string Section = "Silo";

    public string ClusterId { get; set; } = ClusterIdentity.DefaultClusterId;
    public string ServiceId { get; set; } = ClusterIdentity.DefaultServiceId;
    public int SiloPort { get; set; } = 11111;
    public int GatewayPort { get; set; } = 30000;

    /// <summary>Short command-line switches for the options operators change most.</summary>
    public static readonly Dictionary<string, string> SwitchMappings = new()
    {
        ["--silo-port"] = $"{Section}:{nameof(SiloPort)}",
        ["--gateway-port"] = $"{Section}:{nameof(GatewayPort)}",
        ["--cluster-id"] = $"{Section}:{nameof(ClusterId)}",
    };
}
