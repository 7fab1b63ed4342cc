using Orleans.Dashboard;
using Unlearning.Client.Security;
using Unlearning.Compliance;
using Unlearning.Silo.Http;
using Unlearning.Silo.Management;
using Unlearning.Silo.Security;
using Unlearning.Silo.Storage;
using Unlearning.Silo.Web;

namespace Unlearning.Silo;

/// <summary>
/// The silo's host: a plain generic host, or an ASP.NET Core one when the Orleans Dashboard or the HTTP API is on, each
/// on a listener of its own (<see cref="WebListener"/>).
/// </summary>
public static class SiloHost
{
    /// <summary>
    /// A host builder whose configuration is appsettings.json, the environment and the command line with the
    /// short switches and flags; and the web settings read from it.
    /// </summary>
    public static (IHostApplicationBuilder Builder, SiloWeb Web) CreateBuilder(string[] args)
    {
        args = [.. args.Select(a => SiloOptions.Flags.GetValueOrDefault(a, SecurityOptions.Flags.GetValueOrDefault(a, a)))];
        var plain = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { Args = args, ContentRootPath = AppContext.BaseDirectory });
        AddSwitches(plain.Configuration, args);
        plain.Logging.DropStartupRace();
        var web = SiloWeb.From(plain.Configuration);
        if (!web.Enabled) return (plain, web);

        // The web server only when something needs it, so that a silo without starts as fast as before.
        // The web builder reads the same configuration sources again.
        ((IDisposable)plain.Configuration).Dispose();
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions { Args = args, ContentRootPath = AppContext.BaseDirectory });
        AddSwitches(builder.Configuration, args);
        builder.Logging.DropStartupRace();
        return (builder, web);
    }

    /// <summary>
    /// Builds the host. With the web server: binds each listener (the HTTP API with HTTPS and the silo's certificate when
    /// <paramref name="security"/> is secure), and maps the dashboard under <see cref="DashboardSettings.RoutePrefix"/>
    /// and the HTTP API on theirs.
    /// </summary>
    public static IHost Build(IHostApplicationBuilder builder, SiloWeb web, SiloOptions silo, SecurityOptions security)
    {
        if (builder is not WebApplicationBuilder webBuilder) return ((HostApplicationBuilder)builder).Build();

        var dashboard = web.Dashboard.Enabled ? new WebListener("dashboard", web.Dashboard.Host, web.Dashboard.Port) : null;
        var api = web.Http.Enabled
            ? new WebListener("HTTP API", web.Http.ListenHost(silo), web.Http.Port,
                security.IsSecure ? PeerCertificates.LoadPair(security.TlsCert!, security.TlsKey!) : null)
            : null;
        webBuilder.WebHost.ConfigureKestrel(kestrel =>
        {
            kestrel.AddServerHeader = false;
            dashboard?.Bind(kestrel);
            api?.Bind(kestrel);
            if (api is not null) kestrel.Limits.MaxRequestBodySize = web.Http.MaxBodyBytes;
        });
        if (api is not null) webBuilder.Services.AddUnlearningHttpApi(web.Http, tokens: security.IsSecure);

        var app = webBuilder.Build();
        if (api is not null) app.UseUnlearningHttpApiProblems();
        app.UseRouting();
        app.UseListenerGate();
        if (api is not null) app.UseUnlearningHttpApi();
        if (dashboard is not null) app.MapOrleansDashboard(routePrefix: DashboardSettings.RoutePrefix).OnListener(dashboard);
        if (api is not null) app.MapUnlearningHttpApi(api);
        return app;
    }

    private static void AddSwitches(IConfigurationBuilder configuration, string[] args) =>
        configuration.AddCommandLine(args, new Dictionary<string, string>(
            SiloOptions.SwitchMappings.Concat(StorageOptions.SwitchMappings).Concat(SiloWeb.SwitchMappings)
                .Concat(SecurityOptions.SwitchMappings).Concat(AuditOptions.SwitchMappings).Concat(ReceiptOptions.SwitchMappings)
                .Concat(ManagementSettings.SwitchMappings).Concat(TelemetrySettings.SwitchMappings)));
}
