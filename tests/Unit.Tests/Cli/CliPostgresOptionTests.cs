using Unlearning.Cli;
using Unlearning.Client;

using Unlearning.TestKit;

namespace Unlearning.Tests.Cli;

/// <summary>
/// --postgres and $UNLEARNING_POSTGRES: the CLI finds the gateways in the membership table. Which target wins,
/// what is refused before connecting, and that no message shows the password.
/// </summary>
public sealed class CliPostgresOptionTests : IDisposable
{
    private const string Password = "s3cret-Pa55";
    private const string ConnectionString = $"Host=db.example;Port=5433;Username=silo;Password={Password};Database=unlearning";
    private const string Redacted = "postgres Host=db.example;Port=5433;Username=silo;Password=***;Database=unlearning";

    private readonly CliHarness _cli = new();

    public CliPostgresOptionTests() => _cli.Model("m", "x");

    public void Dispose() => _cli.Dispose();

    [Fact]
    public async Task Postgres_reaches_the_connection_with_the_password_redacted_in_its_description()
    {
        var result = await _cli.RunAsync("status", "m", "--postgres", ConnectionString, "--json");

        Assert.Equal(0, result.ExitCode);
        Assert.Equal([Redacted], result.Gateways);
    }

    [Fact]
    public async Task Postgres_is_accepted_before_the_command_too()
    {
        var result = await _cli.RunAsync("--postgres", ConnectionString, "status", "m");

        Assert.Equal(0, result.ExitCode);
        Assert.Equal([Redacted], result.Gateways);
    }

    [Theory]
    [InlineData("--gateway", "localhost:30000")]
    [InlineData("--gateway", "10.0.0.1:30001")]
    public async Task Postgres_with_an_explicit_gateway_is_a_usage_error(string option, string value)
    {
        var result = await _cli.RunAsync("status", "m", "--postgres", ConnectionString, option, value);

        Assert.Equal(2, result.ExitCode);
        Assert.Contains("--postgres and --gateway", result.ErrorLine);
        Assert.DoesNotContain(Password, result.Stderr);
        Assert.Empty(result.Gateways);
    }

    [Theory]
    [InlineData($"Host=h;Password={Password};Bogus=1", "Couldn't set bogus")]
    [InlineData($"Host=h;Port=many;Password={Password}", "Couldn't set port")]
    [InlineData($"Username=u;Password={Password}", "it names no Host")]
    [InlineData($"postgresql://u:{Password}@h/d", "Format of the initialization string")]
    [InlineData($"Host=h;Password='{Password}", "Format of the initialization string")]
    public async Task Malformed_connection_string_is_refused_without_echoing_it(string connectionString, string reason)
    {
        var result = await _cli.RunAsync("status", "m", "--postgres", connectionString);

        Assert.Equal(2, result.ExitCode);
        Assert.Contains("--postgres is not a usable connection string", result.ErrorLine);
        Assert.Contains(reason, result.ErrorLine);
        Assert.DoesNotContain(Password, result.Stderr);
        Assert.Empty(result.Gateways);
    }

    [Fact]
    public async Task Environment_variable_is_used_when_no_option_says_where_the_cluster_is()
    {
        _cli.Environment[GlobalOptions.PostgresVariable] = ConnectionString;

        var result = await _cli.RunAsync("status", "m");

        Assert.Equal(0, result.ExitCode);
        Assert.Equal([Redacted], result.Gateways);
    }

    [Fact]
    public async Task Explicit_gateway_wins_over_the_environment_variable()
    {
        _cli.Environment[GlobalOptions.PostgresVariable] = ConnectionString;

        var result = await _cli.RunAsync("status", "m", "--gateway", "localhost:30001");

        Assert.Equal(0, result.ExitCode);
        Assert.Equal(["localhost:30001"], result.Gateways);
    }

    [Fact]
    public async Task Postgres_option_wins_over_the_environment_variable()
    {
        _cli.Environment[GlobalOptions.PostgresVariable] = "Host=elsewhere;Database=other";

        var result = await _cli.RunAsync("status", "m", "--postgres", ConnectionString);

        Assert.Equal([Redacted], result.Gateways);
    }

    [Theory]
    [InlineData("")]
    [InlineData("  ")]
    public async Task Empty_environment_variable_leaves_the_default_gateway(string value)
    {
        _cli.Environment[GlobalOptions.PostgresVariable] = value;

        var result = await _cli.RunAsync("status", "m");

        Assert.Equal(["localhost:30000"], result.Gateways);
    }

    [Fact]
    public async Task Malformed_environment_variable_is_a_usage_error_naming_it()
    {
        _cli.Environment[GlobalOptions.PostgresVariable] = $"Host=h;Password={Password};Bogus=1";

        var result = await _cli.RunAsync("status", "m", "--json");

        Assert.Equal(2, result.ExitCode);
        Assert.StartsWith($"error: {GlobalOptions.PostgresVariable} is not a usable connection string", result.ErrorLine);
        Assert.DoesNotContain(Password, result.Stderr);
        Assert.Equal("", result.Stdout);
        Assert.Empty(result.Gateways);
    }

    [Fact]
    public async Task Help_lists_postgres_and_its_variable()
    {
        var result = await _cli.RunAsync("--help");

        Assert.Contains("--postgres", result.Stdout);
        Assert.Contains(GlobalOptions.PostgresVariable, result.Stdout);
    }

    [Fact]
    public void Target_descriptions_never_show_the_password()
    {
        var target = new ClusterTarget("c", Postgres: ConnectionString);

        Assert.Equal(Redacted, target.ToString());
        Assert.DoesNotContain(Password, target.Where);
        Assert.Equal("failed for *** at db", target.Scrub($"failed for {Password} at db"));
        Assert.Equal("at gateway localhost:30000", new ClusterTarget("c", Gateway: GatewayAddress.Default).Where);
    }

    [Fact]
    public async Task Unreachable_database_is_one_line_without_the_password()
    {
        var port = FreePorts.One(); // nothing listens there

        var stdout = new StringWriter();
        var stderr = new StringWriter();
        var exitCode = await Unlearn.RunAsync(
            ["status", "m", "--json", "--postgres", $"Host=127.0.0.1;Port={port};Username=silo;Password={Password};Database=d;Timeout=5"],
            stdout, stderr);

        Assert.Equal(1, exitCode);
        Assert.Equal("", stdout.ToString());
        var line = Assert.Single(stderr.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.StartsWith($"error: cannot reach the cluster through the PostgreSQL membership table (Host=127.0.0.1;Port={port};Username=silo;Password=***;", line);
        Assert.DoesNotContain(Password, line);
    }
}
