using Unlearning.Tests.Cli;

namespace Unlearning.Tests.Security;

/// <summary>The CLI's credentials (TLS files, the token and where it comes from) and its exit code 3 for refusals.</summary>
public sealed class CliCredentialTests : IDisposable
{
    private readonly CliHarness _cli = new();

    public void Dispose() => _cli.Dispose();

    [Fact]
    public async Task A_forbidden_call_exits_3_with_the_clusters_line()
    {
        var model = _cli.Model("m", "x");
        model.Failure = new ForbiddenException("forbidden: role reader may not forget a subject (IModelGrain.Forget); roles that may: forgetter, admin");

        var result = await _cli.RunAsync("forget", "m", "--subject", "s");

        Assert.Equal(3, result.ExitCode);
        Assert.Equal("forbidden: role reader may not forget a subject (IModelGrain.Forget); roles that may: forgetter, admin", result.Stderr.Trim());
        Assert.Equal("", result.Stdout);
    }

    [Fact]
    public async Task An_unauthenticated_call_exits_3()
    {
        _cli.Model("m", "x").Failure = UnauthenticatedException.Because("expired");

        var result = await _cli.RunAsync("status", "m", "--json");

        Assert.Equal(3, result.ExitCode);
        Assert.Equal("unauthenticated: the token is refused (expired)", result.Stderr.Trim());
    }

    [Theory]
    [InlineData("--tls-ca", "ca.pem")]
    [InlineData("--tls-cert", "c.pem")]
    public async Task Tls_files_go_together(string option, string value)
    {
        var result = await _cli.RunAsync("status", "m", option, value);

        Assert.Equal(2, result.ExitCode);
        Assert.Equal("error: --tls-ca, --tls-cert and --tls-key go together: give all three", result.ErrorLine);
    }

    [Fact]
    public async Task Token_and_token_file_are_exclusive()
    {
        var result = await _cli.RunAsync("status", "m", "--token", "t", "--token-file", _cli.File("t", "t"));

        Assert.Equal(2, result.ExitCode);
        Assert.StartsWith("error: --token and --token-file both give the token", result.ErrorLine);
    }

    [Fact]
    public async Task An_unreadable_or_empty_token_file_is_a_usage_error()
    {
        var missing = await _cli.RunAsync("status", "m", "--token-file", "/nonexistent/token");
        var empty = await _cli.RunAsync("status", "m", "--token-file", _cli.File("empty", "\n"));

        Assert.Equal(2, missing.ExitCode);
        Assert.StartsWith("error: --token-file: cannot read /nonexistent/token", missing.ErrorLine);
        Assert.Equal(2, empty.ExitCode);
        Assert.EndsWith("holds no token", empty.ErrorLine);
    }

    [Theory]
    [InlineData(new[] { "--token", "from-option" }, "from-env", "from-option")]
    [InlineData(new string[0], "from-env", "from-env")]
    [InlineData(new[] { "--token", "Bearer abc" }, null, "abc")]
    [InlineData(new string[0], null, null)]
    public void The_token_comes_from_the_option_then_the_file_then_the_environment(string[] args, string? environment, string? expected)
    {
        var options = new Unlearning.Cli.GlobalOptions();
        var root = new System.CommandLine.RootCommand();
        options.AddTo(root);

        var security = options.Security(root.Parse(args), name => name == "UNLEARNING_TOKEN" ? environment : null, out var error);

        Assert.Null(error);
        Assert.Equal(expected, security!.Token);
        Assert.Null(security.Tls);
        Assert.DoesNotContain("from", security.ToString());
    }

    [Fact]
    public void The_token_file_wins_over_the_environment()
    {
        var options = new Unlearning.Cli.GlobalOptions();
        var root = new System.CommandLine.RootCommand();
        options.AddTo(root);
        var file = _cli.File("token", "from-file\nsecond line\n");

        var security = options.Security(root.Parse(["--token-file", file]), _ => "from-env", out _);

        Assert.Equal("from-file", security!.Token);
    }
}
