using Microsoft.Extensions.Configuration;
using Unlearning.Silo.Security;

namespace Unlearning.Tests.Security;

public sealed class SecurityOptionsTests : IDisposable
{
    private readonly SecurityFixtures _fx = new();

    public void Dispose() => _fx.Dispose();

    [Fact]
    public void Binds_the_switches_and_the_section_with_defaults()
    {
        var options = Bind("--tls-cert", "/s.pem", "--tls-key", "/s.key", "--tls-ca", "/ca.pem", "--auth-public-key", "/p.pem",
            "--Security:ClockSkew", "00:00:05", "--Security:Issuer", "idp");

        Assert.Equal(("/s.pem", "/s.key", "/ca.pem", "/p.pem"), (options.TlsCert, options.TlsKey, options.TlsCa, options.AuthPublicKey));
        Assert.Equal(("idp", "unlearning", TimeSpan.FromSeconds(5), false), (options.Issuer, options.Audience, options.ClockSkew, options.Insecure));
        Assert.Null(options.Jwks);
    }

    [Fact]
    public void Defaults_are_the_token_defaults()
    {
        var options = new SecurityOptions();

        Assert.Equal((TokenDefaults.Issuer, TokenDefaults.Audience, TimeSpan.FromSeconds(30), false),
            (options.Issuer, options.Audience, options.ClockSkew, options.Insecure));
    }

    [Fact]
    public void The_insecure_flag_binds_and_validates_alone()
    {
        var args = SecurityOptions.Flags.TryGetValue("--insecure", out var flag) ? new[] { flag } : [];

        var options = Bind(args).Validated();

        Assert.True(options.Insecure);
        Assert.Contains("insecure", options.Describe());
    }

    [Fact]
    public void Validation_names_what_is_missing_or_conflicting()
    {
        Assert.Contains("--tls-cert, --tls-key, --tls-ca, --auth-public-key (or --jwks)",
            Assert.Throws<InvalidOperationException>(() => new SecurityOptions().Validated()).Message);
        Assert.Contains("conflicts", Assert.Throws<InvalidOperationException>(() =>
            new SecurityOptions { Insecure = true, TlsCert = "x" }.Validated()).Message);

        var file = _fx.File("f.pem", "x");
        var complete = new SecurityOptions { TlsCert = file, TlsKey = file, TlsCa = file, AuthPublicKey = file };
        Assert.Same(complete, complete.Validated());
        complete.Jwks = file;
        Assert.Contains("not both", Assert.Throws<InvalidOperationException>(() => complete.Validated()).Message);
        complete.Jwks = null;
        complete.TlsCa = Path.Combine(_fx.Folder, "absent.pem");
        Assert.Contains("--tls-ca: no file", Assert.Throws<InvalidOperationException>(() => complete.Validated()).Message);
        complete.TlsCa = file;
        complete.ClockSkew = TimeSpan.FromHours(1);
        Assert.Contains("ClockSkew", Assert.Throws<InvalidOperationException>(() => complete.Validated()).Message);
    }

    private static SecurityOptions Bind(params string[] args) =>
        new ConfigurationBuilder().AddCommandLine(args, SecurityOptions.SwitchMappings).Build()
            .GetSection(SecurityOptions.Section).Get<SecurityOptions>() ?? new SecurityOptions();
}
