namespace Unlearning.Silo;

/// <summary>The Orleans Dashboard the silo can serve; bound from the "Dashboard" configuration section. Off unless a port is given.</summary>
public sealed class DashboardSettings
{
    public const string Section = "Dashboard";
    public const string RoutePrefix = "/dashboard";

    /// <summary>The HTTP port; 0, the default, leaves the dashboard (and the web server) off.</summary>
    public int Port { get; set; }

    /// <summary>
    /// The address the dashboard listens on: loopback only. It shows cluster health, not records, but it has no
    /// authentication, so a silo refuses to start with any other address (<see cref="Security.StartupSecurity"/>).
    /// </summary>
    public string Host { get; set; } = "127.0.0.1";

    public bool Enabled => Port > 0;

    /// <summary>What the web server binds to.</summary>
    public string ListenUrl => $"http://{(Host.Contains(':') ? $"[{Host}]" : Host)}:{Port}";

    public string Url => $"{ListenUrl}{RoutePrefix}/";

    public static readonly Dictionary<string, string> SwitchMappings = new()
    {
        ["--dashboard-port"] = $"{Section}:{nameof(Port)}",
    };

    public void Validate()
    {
        if (Port is < 0 or > 65535)
            throw new InvalidOperationException($"Dashboard:Port must be from 1 to 65535 (or 0: off), not {Port}");
        if (Enabled && string.IsNullOrWhiteSpace(Host))
            throw new InvalidOperationException("Dashboard:Host must not be empty");
    }
}
