using Unlearning.Cli;

using Unlearning.TestKit;

namespace Unlearning.Tests.Cli;

/// <summary>Usage errors: each is one line on stderr, a non-zero exit, and no attempt to reach the cluster.</summary>
public sealed class CliArgumentTests : IDisposable
{
    private readonly CliHarness _cli = new();

    public void Dispose() => _cli.Dispose();

    [Fact]
    public async Task Help_lists_the_commands_on_stdout()
    {
        var result = await _cli.RunAsync("--help");

        Assert.Equal(0, result.ExitCode);
        foreach (var command in new[] { "create", "ingest", "train", "predict", "evaluate", "forget", "explain", "status" })
        {
            Assert.Contains(command, result.Stdout);
        }

        Assert.Contains("--gateway", result.Stdout);
        Assert.Equal("", result.Stderr);
    }

    [Theory]
    [InlineData("nonsense")]
    [InlineData("host:")]
    [InlineData(":30000")]
    [InlineData("host:0")]
    [InlineData("host:65536")]
    [InlineData("host:30000x")]
    [InlineData("::1:30000")]
    public async Task Malformed_gateway_is_a_one_line_usage_error(string gateway)
    {
        var result = await _cli.RunAsync("status", "m", "--gateway", gateway);

        Assert.Equal(2, result.ExitCode);
        Assert.Contains($"--gateway must be HOST:PORT", result.ErrorLine);
        Assert.Contains($"'{gateway}'", result.ErrorLine);
        Assert.Equal("", result.Stdout);
        Assert.Empty(result.Gateways);
    }

    [Theory]
    [InlineData("localhost:30000", "localhost:30000")]
    [InlineData("10.1.2.3:1", "10.1.2.3:1")]
    [InlineData("[::1]:65535", "[::1]:65535")]
    public async Task Gateway_reaches_the_connection(string gateway, string expected)
    {
        _cli.Model("m", "x");

        var result = await _cli.RunAsync("status", "m", "--gateway", gateway, "--json");

        Assert.Equal(0, result.ExitCode);
        Assert.Equal([expected], result.Gateways);
    }

    [Fact]
    public async Task Gateway_defaults_to_localhost_30000()
    {
        _cli.Model("m", "x");

        var result = await _cli.RunAsync("status", "m");

        Assert.Equal(["localhost:30000"], result.Gateways);
    }

    [Fact]
    public async Task Unknown_command_is_named()
    {
        var result = await _cli.RunAsync("bogus", "m");

        Assert.Equal(2, result.ExitCode);
        Assert.Equal("error: unrecognized arguments 'bogus' 'm' (see --help)", result.ErrorLine);
    }

    [Fact]
    public async Task No_command_is_an_error()
    {
        var result = await _cli.RunAsync();

        Assert.NotEqual(0, result.ExitCode);
        Assert.Contains("command", result.ErrorLine);
    }

    [Fact]
    public async Task Missing_model_argument_is_an_error()
    {
        var result = await _cli.RunAsync("train", "--json");

        Assert.Equal(2, result.ExitCode);
        Assert.Contains("train", result.ErrorLine);
        Assert.Equal("", result.Stdout);
    }

    [Theory]
    [InlineData("--shards", "0", "--shards must be an integer from 1 to 1024, not '0'")]
    [InlineData("--shards", "many", "--shards must be an integer from 1 to 1024, not 'many'")]
    [InlineData("--slices", "-1", "--slices must be an integer from 1 to 256, not '-1'")]
    [InlineData("--slices", "2.5", "--slices must be an integer from 1 to 256, not '2.5'")]
    [InlineData("--max-iterations", "0", "--max-iterations must be an integer from 1 to 1000000, not '0'")]
    [InlineData("--lambda", "-0.5", "--lambda must be a finite number > 0, not '-0.5'")]
    [InlineData("--lambda", "NaN", "--lambda must be a finite number > 0, not 'NaN'")]
    [InlineData("--lambda", "x", "--lambda must be a finite number > 0, not 'x'")]
    [InlineData("--lambda", "0", "--lambda must be a finite number > 0, not '0'")]
    [InlineData("--shards", "1025", "--shards must be an integer from 1 to 1024, not '1025'")]
    [InlineData("--ensemble", "median", "--ensemble must be 'average' or 'vote', not 'median'")]
    public async Task Create_options_are_validated_before_connecting(string option, string value, string message)
    {
        var schema = _cli.File("s.csv", "id,x,label\nr1,1,a\n");

        var result = await _cli.RunAsync("create", "m", "--schema", schema, option, value);

        Assert.Equal(2, result.ExitCode);
        Assert.Contains(message, result.ErrorLine);
        Assert.Empty(result.Gateways);
    }

    [Fact]
    public async Task Create_requires_a_schema()
    {
        var result = await _cli.RunAsync("create", "m");

        Assert.Equal(2, result.ExitCode);
        Assert.Contains("--schema", result.ErrorLine);
    }

    [Fact]
    public async Task Forget_requires_a_non_empty_subject()
    {
        Assert.Contains("--subject", (await _cli.RunAsync("forget", "m")).ErrorLine);
        Assert.Contains("--subject must not be empty", (await _cli.RunAsync("forget", "m", "--subject", "")).ErrorLine);
    }

    [Fact]
    public async Task Missing_input_file_fails_before_connecting()
    {
        var result = await _cli.RunAsync("ingest", "m", "no-such-file.csv", "--json");

        Assert.Equal(1, result.ExitCode);
        Assert.Equal("error: file 'no-such-file.csv' does not exist", result.ErrorLine);
        Assert.Equal("", result.Stdout);
        Assert.Empty(result.Gateways);
    }

    [Fact]
    public async Task Malformed_header_fails_before_connecting()
    {
        var file = _cli.File("bad.csv", "id,x,x\nr1,1,2\n");

        var result = await _cli.RunAsync("predict", "m", file);

        Assert.Equal(1, result.ExitCode);
        Assert.Equal($"error: {file} line 1: column 'x' appears twice in the header", result.ErrorLine);
        Assert.Empty(result.Gateways);
    }

    [Fact]
    public async Task Malformed_row_is_one_error_line_naming_its_line()
    {
        var model = _cli.Model("m", "x");
        var file = _cli.File("bad.csv", "id,x,label\nr1,1,a\nr2,1\n");

        var result = await _cli.RunAsync("predict", "m", file);

        Assert.Equal(1, result.ExitCode);
        Assert.Equal($"error: {file} line 3: expected 3 fields (as in the header), found 2", result.ErrorLine);
        Assert.Empty(model.PredictBatches);
    }

    [Fact]
    public async Task Unreachable_cluster_is_one_line_naming_the_gateway()
    {
        var port = FreePorts.One(); // nothing listens there

        var stdout = new StringWriter();
        var stderr = new StringWriter();
        var exitCode = await Unlearn.RunAsync(["status", "m", "--json", "--gateway", $"127.0.0.1:{port}"], stdout, stderr);

        Assert.Equal(1, exitCode);
        Assert.Equal("", stdout.ToString());
        var line = Assert.Single(stderr.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.StartsWith($"error: cannot reach the cluster at gateway 127.0.0.1:{port}", line);
    }
}
