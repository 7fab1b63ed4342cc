using System.Net;
using Unlearning.Silo.Http;

namespace Unlearning.Silo.Security;

/// <summary>How a silo runs, as decided from its options before anything is bound.</summary>
public enum SecurityMode
{
    /// <summary>Mutual TLS and tokens.</summary>
    Secure,
    /// <summary>No security settings, and nothing listens beyond loopback: the embedded default.</summary>
    LoopbackOnly,
    /// <summary>--insecure: no TLS, no tokens, wherever it listens.</summary>
    Insecure,
}

/// <summary>What <see cref="StartupSecurity.Decide"/> found: the mode and the line to print, or why the silo must not start.</summary>
public sealed record SecurityDecision(SecurityMode Mode, string Line, string? Refusal = null)
{
    public bool Refused => Refusal is not null;
}

/// <summary>
/// Secure by default: a silo that would listen on an address other than loopback (its silo and gateway ports, or the
/// HTTP API) starts only with TLS and tokens, or with --insecure (and a warning at every start); the dashboard, which has
/// no authentication, listens on loopback only. A pure function of the options, run before the host is built, so a
/// refused silo binds and sends nothing.
/// </summary>
public static class StartupSecurity
{
    public const string InsecureWarning =
        "WARNING: --insecure: no TLS and no caller authentication; whoever reaches this silo's ports can read, change and forget every model";

    public static SecurityDecision Decide(SiloOptions silo, SecurityOptions security, DashboardSettings dashboard, HttpApiOptions? http = null)
    {
        if (security.Insecure || security.AnySecuritySetting)
        {
            try
            {
                security.Validated();
            }
            catch (InvalidOperationException e)
            {
                return new SecurityDecision(SecurityMode.Insecure, "", e.Message);
            }
        }

        var exposed = new List<string>();
        if (!IsLoopback(silo.AdvertisedAddress)) exposed.Add($"silo and gateway ports on {silo.AdvertisedAddress}");
        if (http is { Enabled: true } && !IsLoopback(http.ListenHost(silo))) exposed.Add($"HTTP API on {http.ListenHost(silo)}:{http.Port}");
        var dashboardExposed = dashboard.Enabled && !IsLoopback(dashboard.Host);

        if (security.Insecure)
        {
            return dashboardExposed
                ? new SecurityDecision(SecurityMode.Insecure, "", DashboardRefusal(dashboard))
                : new SecurityDecision(SecurityMode.Insecure, InsecureWarning);
        }
        if (security.AnySecuritySetting)
        {
            return dashboardExposed
                ? new SecurityDecision(SecurityMode.Secure, "", DashboardRefusal(dashboard))
                : new SecurityDecision(SecurityMode.Secure, $"Security: {security.Describe()}");
        }
        if (dashboardExposed) return new SecurityDecision(SecurityMode.LoopbackOnly, "", DashboardRefusal(dashboard));
        if (exposed.Count > 0)
        {
            return new SecurityDecision(SecurityMode.LoopbackOnly, "",
                $"refusing to start: the silo would listen ({string.Join(", ", exposed)}) without TLS and tokens. Give --tls-cert, " +
                "--tls-key, --tls-ca and --auth-public-key (or --jwks) (`unlearn dev-setup DIR` writes a development set), or " +
                "--insecure to run without them on a network you trust");
        }
        return new SecurityDecision(SecurityMode.LoopbackOnly,
            "Security: off; loopback only (listening on other addresses needs TLS and tokens, or --insecure)");
    }

    /// <summary>Whether <paramref name="address"/> is a loopback IP address or "localhost"; anything else counts as exposed.</summary>
    public static bool IsLoopback(string? address) =>
        string.Equals(address?.Trim(), "localhost", StringComparison.OrdinalIgnoreCase)
        || (IPAddress.TryParse(address?.Trim().Trim('[', ']'), out var ip) && IPAddress.IsLoopback(ip));

    private static string DashboardRefusal(DashboardSettings dashboard) =>
        $"refusing to start: the dashboard has no authentication, so it listens on loopback only, not on {dashboard.Host} " +
        "(drop Dashboard:Host, or reach it through an SSH tunnel)";
}
