namespace Unlearning;

/// <summary>Defaults that silos and clients must agree on.</summary>
public static class ClusterIdentity
{
    public const string DefaultClusterId = "unlearning";
    public const string DefaultServiceId = "unlearning";
    public const int DefaultGatewayPort = 30000;

    /// <summary>Training and forgets wait for retraining inside one call, which can outlast Orleans' 30 s default.</summary>
    public static readonly TimeSpan ResponseTimeout = TimeSpan.FromMinutes(10);
}
