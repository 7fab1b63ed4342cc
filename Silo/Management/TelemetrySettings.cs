namespace Unlearning.Silo.Management;

/// <summary>Where the silo sends metrics and traces over OTLP; bound from the "Telemetry" configuration section. Off unless an endpoint is given.</summary>
public sealed class TelemetrySettings
{
    public const string Section = "Telemetry";

    /// <summary>The standard variable: when set, OTLP is on even without <see cref="OtlpEndpoint"/>, and the exporter reads it.</summary>
    public const string StandardEndpointVariable = "OTEL_EXPORTER_OTLP_ENDPOINT";

    /// <summary>The collector's OTLP endpoint, e.g. http://collector:4317 (gRPC) or http://collector:4318 (with <see cref="OtlpProtocol"/> http).</summary>
    public string? OtlpEndpoint { get; set; }

    /// <summary>grpc (the default) or http (HTTP/protobuf).</summary>
    public string OtlpProtocol { get; set; } = "grpc";

    /// <summary>The service name the silo's metrics and spans carry.</summary>
    public string ServiceName { get; set; } = "unlearning-silo";

    public static readonly Dictionary<string, string> SwitchMappings = new()
    {
        ["--otlp-endpoint"] = $"{Section}:{nameof(OtlpEndpoint)}",
    };

    /// <summary>Whether OTLP export is on: an endpoint here or in <see cref="StandardEndpointVariable"/>.</summary>
    public bool OtlpEnabled(Func<string, string?> environment) =>
        !string.IsNullOrWhiteSpace(OtlpEndpoint) || !string.IsNullOrWhiteSpace(environment(StandardEndpointVariable));

    public void Validate()
    {
        if (!string.IsNullOrWhiteSpace(OtlpEndpoint)
            && !(Uri.TryCreate(OtlpEndpoint, UriKind.Absolute, out var uri) && uri.Scheme is "http" or "https"))
        {
            throw new InvalidOperationException($"Telemetry:OtlpEndpoint (--otlp-endpoint) must be an http(s) URL such as http://collector:4317, not '{OtlpEndpoint}'");
        }

        if (OtlpProtocol is not ("grpc" or "http"))
            throw new InvalidOperationException($"Telemetry:OtlpProtocol must be grpc or http, not '{OtlpProtocol}'");
    }
}
