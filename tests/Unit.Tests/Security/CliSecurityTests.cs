using System.Security.Cryptography.X509Certificates;
using System.Text.Json;
using Unlearning.Client.Security;
using Unlearning.Silo.Security;
using Unlearning.Tests.Cli;

namespace Unlearning.Tests.Security;

/// <summary><c>dev-setup</c> and <c>token</c>: local commands that never reach a cluster.</summary>
public sealed class CliSecurityTests : IDisposable
{
    private readonly CliHarness _cli = new();
    private readonly string _root = Directory.CreateTempSubdirectory("unlearn-cli-dev-").FullName;

    public void Dispose()
    {
        _cli.Dispose();
        Directory.Delete(_root, recursive: true);
    }

    private string Dir => Path.Combine(_root, "dev");

    [Fact]
    public async Task Dev_setup_writes_the_files_and_prints_the_options()
    {
        var result = await _cli.RunAsync("dev-setup", Dir);

        Assert.Equal(0, result.ExitCode);
        Assert.Equal("", result.Stderr);
        Assert.Empty(result.Gateways);
        Assert.All(DevSetup.FileNames, file => Assert.True(File.Exists(Path.Combine(Dir, file)), file));
        Assert.Contains($"--tls-cert {Dir}/silo.pem --tls-key {Dir}/silo.key --tls-ca {Dir}/ca.pem --auth-public-key {Dir}/signing.pub.pem", result.Stdout);
        Assert.Contains($"--tls-ca {Dir}/ca.pem --tls-cert {Dir}/client.pem --tls-key {Dir}/client.key", result.Stdout);
        Assert.Contains($"unlearn token --signing-key {Dir}/signing.key --role forgetter", result.Stdout);
        Assert.DoesNotContain("PRIVATE KEY", result.Stdout);
    }

    [Fact]
    public async Task Dev_setup_json_gives_the_directory_and_both_argument_lists()
    {
        var result = await _cli.RunAsync("dev-setup", Dir, "--json");

        Assert.Equal(0, result.ExitCode);
        var document = JsonDocument.Parse(Assert.Single(result.StdoutLines)).RootElement;
        Assert.Equal(["directory", "silo", "client"], document.EnumerateObject().Select(p => p.Name));
        Assert.Equal(Dir, document.GetProperty("directory").GetString());
        Assert.Equal(["--tls-cert", $"{Dir}/silo.pem", "--tls-key", $"{Dir}/silo.key", "--tls-ca", $"{Dir}/ca.pem", "--auth-public-key", $"{Dir}/signing.pub.pem"],
            document.GetProperty("silo").EnumerateArray().Select(e => e.GetString()));
        Assert.Equal(["--tls-ca", $"{Dir}/ca.pem", "--tls-cert", $"{Dir}/client.pem", "--tls-key", $"{Dir}/client.key"],
            document.GetProperty("client").EnumerateArray().Select(e => e.GetString()));
    }

    [Fact]
    public async Task Dev_setup_refuses_to_overwrite_without_force()
    {
        Assert.Equal(0, (await _cli.RunAsync("dev-setup", Dir)).ExitCode);
        var ca = File.ReadAllText(Path.Combine(Dir, DevSetup.CaFile));

        var refused = await _cli.RunAsync("dev-setup", Dir);
        Assert.Equal(1, refused.ExitCode);
        Assert.StartsWith($"error: {Dir} already has ca.pem", refused.ErrorLine);
        Assert.Contains("--force", refused.ErrorLine);
        Assert.Equal(ca, File.ReadAllText(Path.Combine(Dir, DevSetup.CaFile)));

        var forced = await _cli.RunAsync("dev-setup", Dir, "--force");
        Assert.Equal(0, forced.ExitCode);
        Assert.NotEqual(ca, File.ReadAllText(Path.Combine(Dir, DevSetup.CaFile)));
    }

    [Fact]
    public async Task Dev_setup_adds_extra_names_and_quotes_paths_for_the_shell()
    {
        var dir = Path.Combine(_root, "with space");

        var result = await _cli.RunAsync("dev-setup", dir, "--san", "silo-b.internal", "--san", "10.9.8.7");

        Assert.Equal(0, result.ExitCode);
        Assert.Contains($"--tls-cert '{dir}/silo.pem'", result.Stdout);
        using var silo = X509Certificate2.CreateFromPem(File.ReadAllText(Path.Combine(dir, DevSetup.SiloCertFile)));
        Assert.True(silo.MatchesHostname("silo-b.internal"));
        Assert.True(silo.MatchesHostname("10.9.8.7"));
    }

    [Theory]
    [InlineData("bad name")]
    [InlineData("under_score.example")]
    [InlineData("")]
    public async Task Dev_setup_refuses_a_name_no_certificate_can_carry(string name)
    {
        var result = await _cli.RunAsync("dev-setup", Dir, "--san", name);

        Assert.Equal(2, result.ExitCode);
        Assert.Equal($"error: --san '{name}' is neither a host name nor an IP address (see --help)", result.ErrorLine);
        Assert.False(Directory.Exists(Dir));
    }

    [Fact]
    public async Task Dev_setup_ignores_a_bad_cluster_environment()
    {
        _cli.Environment["UNLEARNING_POSTGRES"] = "this is not a connection string";

        var result = await _cli.RunAsync("dev-setup", Dir, "--json");

        Assert.Equal(0, result.ExitCode);
        Assert.Empty(result.Gateways);
    }

    [Fact]
    public async Task Token_prints_only_a_token_the_silo_accepts()
    {
        await _cli.RunAsync("dev-setup", Dir);

        var result = await _cli.RunAsync("token", "--signing-key", Path.Combine(Dir, DevSetup.SigningKeyFile),
            "--role", "forgetter", "--role", "reader", "--subject", "dr-no", "--expires", "30m");

        Assert.Equal(0, result.ExitCode);
        Assert.Equal("", result.Stderr);
        Assert.Empty(result.Gateways);
        var token = Assert.Single(result.StdoutLines);
        Assert.Equal(3, token.Split('.').Length);
        var validator = new TokenValidator(new SecurityOptions { AuthPublicKey = Path.Combine(Dir, DevSetup.SigningPublicKeyFile) });
        var validation = await validator.ValidateAsync(token);
        Assert.True(validation.IsValid, validation.Reason);
        Assert.Equal("dr-no", validation.Identity.Subject);
        Assert.Equal(new HashSet<string> { "forgetter", "reader" }, validation.Identity.Roles);
        Assert.InRange(validation.Identity.ExpiresAt - DateTimeOffset.UtcNow, TimeSpan.FromMinutes(29), TimeSpan.FromMinutes(30));
    }

    [Fact]
    public async Task Token_passes_issuer_and_audience_and_has_a_json_form()
    {
        await _cli.RunAsync("dev-setup", Dir);

        var result = await _cli.RunAsync("token", "--signing-key", Path.Combine(Dir, DevSetup.SigningKeyFile), "--role", "admin",
            "--issuer", "idp", "--audience", "prod", "--json");

        Assert.Equal(0, result.ExitCode);
        var document = JsonDocument.Parse(Assert.Single(result.StdoutLines)).RootElement;
        Assert.Equal(["token", "tokenId", "expiresAt"], document.EnumerateObject().Select(p => p.Name));
        var validator = new TokenValidator(new SecurityOptions
        {
            AuthPublicKey = Path.Combine(Dir, DevSetup.SigningPublicKeyFile), Issuer = "idp", Audience = "prod",
        });
        var validation = await validator.ValidateAsync(document.GetProperty("token").GetString());
        Assert.True(validation.IsValid, validation.Reason);
        Assert.Equal(document.GetProperty("tokenId").GetString(), validation.Identity.TokenId);
    }

    [Theory]
    [InlineData("--role", "superuser", "unknown role 'superuser': the roles are reader, writer, forgetter, auditor, admin")]
    [InlineData("--expires", "31d", "--expires: '31d' is longer than the maximum of 30d")]
    [InlineData("--expires", "soon", "--expires: 'soon' is not a lifetime such as 30m, 1h or 7d")]
    [InlineData("--subject", "", "--subject must not be empty")]
    public async Task Token_usage_errors_are_one_line(string option, string value, string message)
    {
        await _cli.RunAsync("dev-setup", Dir);
        string[] args = ["token", "--signing-key", Path.Combine(Dir, DevSetup.SigningKeyFile)];
        if (option != "--role")
            args = [.. args, "--role", "reader"];

        var result = await _cli.RunAsync([.. args, option, value]);

        Assert.Equal(2, result.ExitCode);
        Assert.Equal($"error: {message} (see --help)", result.ErrorLine);
        Assert.Equal("", result.Stdout);
    }

    [Fact]
    public async Task Token_needs_a_role_and_a_key()
    {
        Assert.Equal(2, (await _cli.RunAsync("token", "--signing-key", "k")).ExitCode);
        Assert.Equal(2, (await _cli.RunAsync("token", "--role", "reader")).ExitCode);
    }

    [Fact]
    public async Task Token_with_an_unusable_key_fails_in_one_line_without_key_material()
    {
        await _cli.RunAsync("dev-setup", Dir);
        var publicKey = Path.Combine(Dir, DevSetup.SigningPublicKeyFile);

        var wrongKind = await _cli.RunAsync("token", "--signing-key", publicKey, "--role", "reader");
        var absent = await _cli.RunAsync("token", "--signing-key", Path.Combine(Dir, "absent.key"), "--role", "reader");

        Assert.Equal(1, wrongKind.ExitCode);
        Assert.Equal($"error: {publicKey}: the PEM block is a PUBLIC KEY, not a private key", wrongKind.ErrorLine);
        Assert.Equal(1, absent.ExitCode);
        Assert.StartsWith($"error: cannot read the signing key {Path.Combine(Dir, "absent.key")}", absent.ErrorLine);
        Assert.DoesNotContain("MFkw", wrongKind.Stderr + absent.Stderr);
    }

    [Fact]
    public async Task Help_lists_the_local_commands()
    {
        var result = await _cli.RunAsync("--help");

        Assert.Contains("dev-setup", result.Stdout);
        Assert.Contains("token", result.Stdout);
    }

    [Fact]
    public async Task Token_help_shows_the_default_lifetime_as_typed()
    {
        var result = await _cli.RunAsync("token", "--help");

        Assert.Contains("[default: 1h]", result.Stdout);
    }
}
