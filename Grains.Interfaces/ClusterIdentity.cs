namespace Unlearning;

/// <summary>Defaults that silos and clients must agree on.</summary>
public static class ClusterIdentity
{
    public const string DefaultClusterId = "unlearning";
    public const string DefaultServiceId = "unlearning";
    public const int DefaultGatewayPort = 30000;

    /// <summary>
    /// Orleans' response timeout for ordinary calls (a large ingest batch on SQLite can take minutes);
    /// calls that wait for training carry their own, see <see cref="LongRunning"/>.
    /// </summary>
    public static readonly TimeSpan ResponseTimeout = TimeSpan.FromMinutes(10);
}
