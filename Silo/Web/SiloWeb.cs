using Unlearning.Silo.Http;

namespace Unlearning.Silo.Web;

/// <summary>What the silo's web server carries: the Orleans Dashboard and the HTTP API, each on a listener of its own.</summary>
public sealed class SiloWeb(DashboardSettings dashboard, HttpApiOptions http)
{
    public DashboardSettings Dashboard { get; } = dashboard;

    public HttpApiOptions Http { get; } = http;

    /// <summary>Whether anything needs the web server; without, the silo starts as a plain host (faster).</summary>
    public bool Enabled => Dashboard.Enabled || Http.Enabled;

    /// <summary>The settings of <paramref name="configuration"/>, checked.</summary>
    public static SiloWeb From(IConfiguration configuration)
    {
        var dashboard = configuration.GetSection(DashboardSettings.Section).Get<DashboardSettings>() ?? new DashboardSettings();
        dashboard.Validate();
        var http = (configuration.GetSection(HttpApiOptions.Section).Get<HttpApiOptions>() ?? new HttpApiOptions()).Validated();
        if (dashboard.Enabled && http.Enabled && dashboard.Port == http.Port)
            throw new InvalidOperationException($"the dashboard and the HTTP API need ports of their own, not both {http.Port}");
        return new SiloWeb(dashboard, http);
    }

    public static IEnumerable<KeyValuePair<string, string>> SwitchMappings => DashboardSettings.SwitchMappings.Concat(HttpApiOptions.SwitchMappings);
}
