using Unlearning.Silo.Management;
using Unlearning.Telemetry;

namespace Unlearning.Tests.Hosting;

public sealed class ManagementSettingsTests
{
    [Theory]
    [InlineData("127.0.0.1", 9464, "http://127.0.0.1:9464")]
    [InlineData("0.0.0.0", 9464, "http://0.0.0.0:9464")]
    [InlineData("*", 9464, "http://0.0.0.0:9464")]
    [InlineData("::1", 9464, "http://[::1]:9464")]
    public void The_listener_binds_where_it_is_told(string host, int port, string url) =>
        Assert.Equal(url, new ManagementSettings { Host = host, Port = port }.ListenUrl);

    [Fact]
    public void Off_by_default_and_on_loopback_when_on()
    {
        var settings = new ManagementSettings();
        Assert.False(settings.Enabled);
        Assert.Equal("127.0.0.1", settings.Host);
    }

    [Theory]
    [InlineData(-1)]
    [InlineData(70000)]
    public void A_port_out_of_range_is_named(int port)
    {
        var error = Assert.Throws<InvalidOperationException>(() => new ManagementSettings { Port = port }.Validate());
        Assert.Contains("--metrics-port", error.Message);
    }

    [Fact]
    public void Otlp_is_on_with_an_endpoint_or_the_standard_variable()
    {
        Assert.False(new TelemetrySettings().OtlpEnabled(_ => null));
        Assert.True(new TelemetrySettings { OtlpEndpoint = "http://collector:4317" }.OtlpEnabled(_ => null));
        Assert.True(new TelemetrySettings().OtlpEnabled(name => name == "OTEL_EXPORTER_OTLP_ENDPOINT" ? "http://collector:4317" : null));
    }

    [Theory]
    [InlineData("collector:4317", "grpc", "--otlp-endpoint")]
    [InlineData("http://collector:4317", "thrift", "OtlpProtocol")]
    public void Bad_otlp_settings_are_named(string endpoint, string protocol, string named)
    {
        var error = Assert.Throws<InvalidOperationException>(() => new TelemetrySettings { OtlpEndpoint = endpoint, OtlpProtocol = protocol }.Validate());
        Assert.Contains(named, error.Message);
    }

    [Theory]
    [InlineData(0.0, 0.0)]
    [InlineData(0.0149, 0.01)]
    [InlineData(0.5, 0.5)]
    [InlineData(0.999, 0.99)]
    [InlineData(1.7, 1.0)]
    [InlineData(double.NaN, 1.0)]
    public void The_budget_gauge_reports_coarse_steps_only(double spent, double reported) =>
        Assert.Equal(reported, ShardReadings.Coarse(spent));
}
