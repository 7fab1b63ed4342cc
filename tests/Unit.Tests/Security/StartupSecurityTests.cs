using Unlearning.Silo;
using Unlearning.Silo.Http;
using Unlearning.Silo.Security;

namespace Unlearning.Tests.Security;

/// <summary>Secure by default, decided from the options alone (no socket is opened to decide).</summary>
public sealed class StartupSecurityTests : IDisposable
{
    private readonly SecurityFixtures _fx = new();

    public void Dispose() => _fx.Dispose();

    private SecurityOptions Complete() => new()
    {
        TlsCert = _fx.File("silo.pem", "x"), TlsKey = _fx.File("silo.key", "x"), TlsCa = _fx.File("ca.pem", "x"),
        AuthPublicKey = _fx.File("signing.pub.pem", "x"),
    };

    private static SecurityDecision Decide(string address, SecurityOptions security, DashboardSettings? dashboard = null) =>
        StartupSecurity.Decide(new SiloOptions { AdvertisedAddress = address }, security, dashboard ?? new DashboardSettings());

    [Theory]
    [InlineData("127.0.0.1")]
    [InlineData("127.0.0.2")]
    [InlineData("::1")]
    [InlineData("localhost")]
    public void Loopback_without_settings_starts_with_one_note(string address)
    {
        var decision = Decide(address, new SecurityOptions());

        Assert.False(decision.Refused);
        Assert.Equal(SecurityMode.LoopbackOnly, decision.Mode);
        Assert.StartsWith("Security: off; loopback only", decision.Line);
    }

    [Theory]
    [InlineData("10.1.2.3")]
    [InlineData("0.0.0.0")]
    [InlineData("192.168.0.7")]
    [InlineData("silo-a.example")]
    public void Any_other_address_without_settings_is_refused(string address)
    {
        var decision = Decide(address, new SecurityOptions());

        Assert.True(decision.Refused);
        Assert.StartsWith($"refusing to start: the silo would listen (silo and gateway ports on {address}) without TLS and tokens", decision.Refusal);
        Assert.Contains("--insecure", decision.Refusal);
        Assert.Contains("unlearn dev-setup", decision.Refusal);
    }

    [Fact]
    public void Insecure_starts_anywhere_with_a_warning()
    {
        var decision = Decide("10.1.2.3", new SecurityOptions { Insecure = true });

        Assert.False(decision.Refused);
        Assert.Equal(SecurityMode.Insecure, decision.Mode);
        Assert.StartsWith("WARNING: --insecure", decision.Line);
    }

    [Fact]
    public void Tls_and_tokens_start_anywhere()
    {
        var decision = Decide("10.1.2.3", Complete());

        Assert.False(decision.Refused);
        Assert.Equal(SecurityMode.Secure, decision.Mode);
        Assert.StartsWith("Security: mutual TLS", decision.Line);
    }

    [Fact]
    public void Half_a_configuration_is_refused_even_on_loopback()
    {
        var decision = Decide("127.0.0.1", new SecurityOptions { TlsCert = _fx.File("only.pem", "x") });

        Assert.True(decision.Refused);
        Assert.StartsWith("security settings missing: --tls-key, --tls-ca", decision.Refusal);
    }

    [Fact]
    public void Insecure_with_security_settings_is_refused()
    {
        var security = Complete();
        security.Insecure = true;

        Assert.Contains("conflicts", Decide("127.0.0.1", security).Refusal);
    }

    [Theory]
    [InlineData(false, false)]
    [InlineData(true, false)]
    [InlineData(false, true)]
    public void The_dashboard_stays_on_loopback_in_every_mode(bool insecure, bool secure)
    {
        var security = secure ? Complete() : new SecurityOptions { Insecure = insecure };
        var dashboard = new DashboardSettings { Port = 8080, Host = "0.0.0.0" };

        var decision = Decide("127.0.0.1", security, dashboard);

        Assert.True(decision.Refused);
        Assert.StartsWith("refusing to start: the dashboard has no authentication, so it listens on loopback only", decision.Refusal);
        Assert.False(Decide("127.0.0.1", security, new DashboardSettings { Port = 8080 }).Refused);
    }

    [Fact]
    public void An_http_api_on_another_address_than_loopback_needs_tls_and_tokens_or_insecure()
    {
        var http = new HttpApiOptions { Port = 8443, Host = "0.0.0.0" };
        var silo = new SiloOptions { AdvertisedAddress = "127.0.0.1" };

        var refused = StartupSecurity.Decide(silo, new SecurityOptions(), new DashboardSettings(), http);

        Assert.True(refused.Refused);
        Assert.StartsWith("refusing to start: the silo would listen (HTTP API on 0.0.0.0:8443) without TLS and tokens", refused.Refusal);
        Assert.False(StartupSecurity.Decide(silo, Complete(), new DashboardSettings(), http).Refused);
        Assert.Equal(SecurityMode.Insecure, StartupSecurity.Decide(silo, new SecurityOptions { Insecure = true }, new DashboardSettings(), http).Mode);
        Assert.False(StartupSecurity.Decide(silo, new SecurityOptions(), new DashboardSettings(), new HttpApiOptions { Port = 8443 }).Refused);
    }

    [Theory]
    [InlineData("127.0.0.1", null, "127.0.0.1")]
    [InlineData("10.1.2.3", null, "0.0.0.0")]
    [InlineData("10.1.2.3", "127.0.0.1", "127.0.0.1")]
    [InlineData("127.0.0.1", "::", "::")]
    public void The_http_api_listens_where_the_silo_does_unless_told(string silo, string? host, string expected) =>
        Assert.Equal(expected, new HttpApiOptions { Port = 8443, Host = host }.ListenHost(new SiloOptions { AdvertisedAddress = silo }));

    [Theory]
    [InlineData(70000, null, 1024, 1, "Http:Port (--http-port) must be from 1 to 65535")]
    [InlineData(8443, "silo.example", 1024, 1, "Http:Host must be an IP address or localhost")]
    [InlineData(8443, null, 10, 1, "Http:MaxBodyBytes must be from 1024")]
    [InlineData(8443, null, 1024, -1, "Http:RateLimit must be 0 (no limit) or more")]
    public void Bad_http_api_settings_are_refused_naming_the_setting(int port, string? host, long maxBody, int rate, string message)
    {
        var options = new HttpApiOptions { Port = port, Host = host, MaxBodyBytes = maxBody, RateLimit = rate };

        Assert.StartsWith(message, Assert.Throws<InvalidOperationException>(() => options.Validated()).Message);
    }
}
