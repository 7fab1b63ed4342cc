using OpenTelemetry.Exporter;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;
using OpenTelemetry.Trace;
using Unlearning.Telemetry;

namespace Unlearning.Silo.Management;

/// <summary>
/// What the silo exports: the cluster's meters, Orleans' and the .NET runtime's to Prometheus (on the management
/// listener) and over OTLP, and the spans of the cluster and of Orleans over OTLP, each only when configured.
/// </summary>
public static class ObservabilitySetup
{
    /// <summary>The meters exported: the grains' own, Orleans' and the .NET runtime's (built into .NET 9 and later).</summary>
    public static readonly string[] Meters = [TelemetryNames.Meter, "Microsoft.Orleans", "System.Runtime"];

    /// <summary>The activity sources traced: the grains' spans and Orleans' call spans.</summary>
    public static readonly string[] Sources = [TelemetryNames.ActivitySource, "Microsoft.Orleans.Application", "Microsoft.Orleans.Runtime"];

    public static IServiceCollection AddUnlearningObservability(this IServiceCollection services, ManagementSettings management,
        TelemetrySettings telemetry, Func<string, string?> environment)
    {
        var otlp = telemetry.OtlpEnabled(environment);
        if (!management.Enabled && !otlp) return services;

        var openTelemetry = services.AddOpenTelemetry()
            .ConfigureResource(resource => resource.AddService(telemetry.ServiceName, serviceInstanceId: Environment.MachineName + "/" + Environment.ProcessId));
        openTelemetry.WithMetrics(metrics =>
        {
            metrics.AddMeter(Meters);
            if (management.Enabled) metrics.AddPrometheusExporter();
            if (otlp) metrics.AddOtlpExporter(exporter => Configure(exporter, telemetry, "v1/metrics"));
        });
        if (otlp)
            openTelemetry.WithTracing(tracing => tracing.AddSource(Sources).AddOtlpExporter(exporter => Configure(exporter, telemetry, "v1/traces")));

        if (management.Enabled)
        {
            services.AddHealthChecks()
                .AddCheck<ClusterMembershipHealthCheck>("cluster", tags: [ManagementServer.ReadyTag])
                .AddCheck<StorageHealthCheck>("storage", tags: [ManagementServer.ReadyTag], timeout: TimeSpan.FromSeconds(5));
            services.AddSingleton(management);
            services.AddHostedService<ManagementServer>();
        }
        return services;
    }

    /// <param name="signalPath">Where an OTLP/HTTP collector takes this signal; gRPC needs no path.</param>
    private static void Configure(OtlpExporterOptions exporter, TelemetrySettings telemetry, string signalPath)
    {
        // Without an endpoint here, the exporter reads OTEL_EXPORTER_OTLP_ENDPOINT and OTEL_EXPORTER_OTLP_PROTOCOL itself.
        if (string.IsNullOrWhiteSpace(telemetry.OtlpEndpoint)) return;
        var endpoint = new Uri(telemetry.OtlpEndpoint);
        if (telemetry.OtlpProtocol == "http")
        {
            exporter.Protocol = OtlpExportProtocol.HttpProtobuf;
            exporter.Endpoint = new Uri(new Uri(endpoint.AbsoluteUri.TrimEnd('/') + "/"), signalPath);
        }
        else
        {
            exporter.Protocol = OtlpExportProtocol.Grpc;
            exporter.Endpoint = endpoint;
        }
    }
}
