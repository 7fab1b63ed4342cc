namespace Unlearning.Silo.Management;

/// <summary>
/// The silo's management listener (<c>/metrics</c>, <c>/health/live</c>, <c>/health/ready</c>): a small HTTP server of its
/// own, apart from the silo's, gateway's and dashboard's ports; bound from the "Management" configuration section. Off
/// unless a port is given.
/// </summary>
public sealed class ManagementSettings
{
    public const string Section = "Management";
    public const string MetricsPath = "/metrics";
    public const string LivePath = "/health/live";
    public const string ReadyPath = "/health/ready";

    /// <summary>The HTTP port; 0, the default, leaves the listener off.</summary>
    public int Port { get; set; }

    /// <summary>
    /// The address it listens on: loopback by default. It serves counts, durations and health by model name and silo, never
    /// a record or a subject, and takes no input; an operator who scrapes from another machine (Prometheus, a Kubernetes
    /// probe) gives this machine's address or 0.0.0.0.
    /// </summary>
    public string Host { get; set; } = "127.0.0.1";

    public bool Enabled => Port > 0;

    /// <summary>What the listener binds to.</summary>
    public string ListenUrl => $"http://{Host switch
    {
        "0.0.0.0" or "*" => "0.0.0.0",
        _ when Host.Contains(':') => $"[{Host.Trim('[', ']')}]",
        _ => Host,
    }}:{Port}";

    public static readonly Dictionary<string, string> SwitchMappings = new()
    {
        ["--metrics-port"] = $"{Section}:{nameof(Port)}",
        ["--metrics-host"] = $"{Section}:{nameof(Host)}",
    };

    public void Validate()
    {
        if (Port is < 0 or > 65535)
            throw new InvalidOperationException($"Management:Port (--metrics-port) must be from 1 to 65535 (or 0: off), not {Port}");
        if (Enabled && string.IsNullOrWhiteSpace(Host))
            throw new InvalidOperationException("Management:Host (--metrics-host) must not be empty");
    }
}
