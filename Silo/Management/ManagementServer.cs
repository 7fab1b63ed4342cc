using System.Text;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using OpenTelemetry.Metrics;

namespace Unlearning.Silo.Management;

/// <summary>
/// The management listener: a Kestrel server of its own on <see cref="ManagementSettings.Port"/> with three routes,
/// <c>/metrics</c> (Prometheus text from the silo's OpenTelemetry meter provider), <c>/health/live</c> (the process
/// answers) and <c>/health/ready</c> (the "ready"-tagged health checks: in the cluster, storage answers). It starts
/// before the silo, so a liveness probe answers while the silo joins and readiness says not yet.
/// </summary>
internal sealed class ManagementServer(ManagementSettings settings, IServiceProvider silo, ILogger<ManagementServer> logger) : IHostedService, IAsyncDisposable
{
    public const string ReadyTag = "ready";

    private WebApplication? _app;

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions { ApplicationName = "unlearning-management" });
        builder.Logging.ClearProviders();
        builder.WebHost.UseUrls(settings.ListenUrl);
        var app = builder.Build();
        var meters = silo.GetRequiredService<MeterProvider>();
        var health = silo.GetRequiredService<HealthCheckService>();
        app.UseOpenTelemetryPrometheusScrapingEndpoint(meters, context => context.Request.Path == ManagementSettings.MetricsPath,
            path: null, configureBranchedPipeline: null, optionsName: null);
        app.MapGet(ManagementSettings.LivePath, () => Results.Text("Healthy\n"));
        app.MapGet(ManagementSettings.ReadyPath, async (CancellationToken aborted) =>
            Answer(await health.CheckHealthAsync(check => check.Tags.Contains(ReadyTag), aborted)));
        await app.StartAsync(cancellationToken);
        _app = app;
        logger.LogInformation("Management listener on {Url}: {Metrics}, {Live}, {Ready}", settings.ListenUrl,
            ManagementSettings.MetricsPath, ManagementSettings.LivePath, ManagementSettings.ReadyPath);
    }

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        if (_app is not null) await _app.StopAsync(cancellationToken);
    }

    public async ValueTask DisposeAsync()
    {
        if (_app is not null) await _app.DisposeAsync();
    }

    /// <summary>200 when every check is healthy, else 503; the body names each check's status and why.</summary>
    private static IResult Answer(HealthReport report)
    {
        var text = new StringBuilder().Append(report.Status).Append('\n');
        foreach (var (name, entry) in report.Entries.OrderBy(e => e.Key, StringComparer.Ordinal))
            text.Append(name).Append(": ").Append(entry.Status).Append(" (").Append(entry.Description).Append(")\n");
        return Results.Text(text.ToString(), statusCode: report.Status == HealthStatus.Healthy ? StatusCodes.Status200OK : StatusCodes.Status503ServiceUnavailable);
    }
}
