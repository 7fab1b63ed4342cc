using Orleans.Dashboard;
using Unlearning.Silo.Management;
using Unlearning.Silo.Security;
using Unlearning.Silo.Storage;

namespace Unlearning.Silo;

/// <summary>The silo's host: a plain generic host, or an ASP.NET Core one serving the Orleans Dashboard when that is on.</summary>
public static class SiloHost
{
    /// <summary>
    /// A host builder whose configuration is appsettings.json, the environment and the command line with the
    /// short switches and flags; and the dashboard settings read from it.
    /// </summary>
    public static (IHostApplicationBuilder Builder, DashboardSettings Dashboard) CreateBuilder(string[] args)
    {
        args = [.. args.Select(a => SiloOptions.Flags.GetValueOrDefault(a, SecurityOptions.Flags.GetValueOrDefault(a, a)))];
        var plain = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { Args = args, ContentRootPath = AppContext.BaseDirectory });
        AddSwitches(plain.Configuration, args);
        plain.Logging.DropStartupRace();
        var dashboard = plain.Configuration.GetSection(DashboardSettings.Section).Get<DashboardSettings>() ?? new DashboardSettings();
        dashboard.Validate();
        if (!dashboard.Enabled) return (plain, dashboard);

        // The web server only when the dashboard is on, so that a silo without it starts as fast as before.
        // The web builder reads the same configuration sources again.
        ((IDisposable)plain.Configuration).Dispose();
        var web = WebApplication.CreateBuilder(new WebApplicationOptions { Args = args, ContentRootPath = AppContext.BaseDirectory });
        AddSwitches(web.Configuration, args);
        web.Logging.DropStartupRace();
        web.WebHost.UseUrls(dashboard.ListenUrl);
        return (web, dashboard);
    }

    /// <summary>Builds the host; with the dashboard on, maps it under <see cref="DashboardSettings.RoutePrefix"/>.</summary>
    public static IHost Build(IHostApplicationBuilder builder)
    {
        if (builder is not WebApplicationBuilder web) return ((HostApplicationBuilder)builder).Build();
        var app = web.Build();
        app.MapOrleansDashboard(routePrefix: DashboardSettings.RoutePrefix);
        return app;
    }

    private static void AddSwitches(IConfigurationBuilder configuration, string[] args) =>
        configuration.AddCommandLine(args, new Dictionary<string, string>(
            SiloOptions.SwitchMappings.Concat(StorageOptions.SwitchMappings).Concat(DashboardSettings.SwitchMappings)
                .Concat(SecurityOptions.SwitchMappings).Concat(ManagementSettings.SwitchMappings).Concat(TelemetrySettings.SwitchMappings)));
}
