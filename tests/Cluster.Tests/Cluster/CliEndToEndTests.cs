using System.Text.Json;
using Unlearning.Tests.Support;

namespace Unlearning.Tests.Cluster;

/// <summary>The real CLI, connecting over TCP to a real Silo process, through a whole model lifecycle.</summary>
public sealed class CliEndToEndTests : IAsyncLifetime
{
    private readonly string _clusterId = $"cli-{Guid.NewGuid():N}"[..16];
    private SiloProcess _silo = null!;

    public async Task InitializeAsync()
    {
        _silo = SiloProcess.Start("cli", ["--storage", "memory", "--cluster-id", _clusterId]);
        await _silo.WaitReadyAsync(TimeSpan.FromSeconds(60));
    }

    public Task DisposeAsync()
    {
        _silo.Dispose();
        return Task.CompletedTask;
    }

    private static readonly string DataFolder = Path.Combine(AppContext.BaseDirectory, "data");

    private Task<CliRun> RunAsync(params string[] args) => CliRun.RunAsync([.. args, "--gateway", $"127.0.0.1:{_silo.GatewayPort}", "--cluster-id", _clusterId]);

    private async Task<JsonElement> JsonAsync(params string[] args)
    {
        var (exit, stdout, stderr) = await RunAsync([.. args, "--json"]);
        Assert.True(exit == 0, $"'{string.Join(' ', args)}' exited {exit}: {stderr}");
        return JsonDocument.Parse(stdout).RootElement;
    }

    [Fact]
    public async Task Create_ingest_train_predict_evaluate_forget_and_status_through_the_cli()
    {
        var model = ClusterFixture.UniqueName("cli");
        var train = Path.Combine(DataFolder, "wdbc_train.csv");
        var holdout = Path.Combine(DataFolder, "wdbc_holdout.csv");

        await JsonAsync("create", model, "--schema", train, "--shards", "4", "--slices", "2");
        var ingested = await JsonAsync("ingest", model, train);
        Assert.Equal(456, ingested.GetProperty("records").GetInt64());
        await JsonAsync("train", model);

        var (exit, predictions, _) = await RunAsync("predict", model, holdout, "--json");
        Assert.Equal(0, exit);
        var lines = predictions.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(113, lines.Length);
        var first = JsonDocument.Parse(lines[0]).RootElement;
        Assert.Equal("P000005", first.GetProperty("id").GetString());
        var probabilities = first.GetProperty("probabilities");
        Assert.Equal(1.0, probabilities.GetProperty("0").GetDouble() + probabilities.GetProperty("1").GetDouble(), 12);

        var evaluation = await JsonAsync("evaluate", model, holdout);
        Assert.Equal(113, evaluation.GetProperty("rows").GetInt32());
        Assert.True(evaluation.GetProperty("accuracy").GetDouble() > 0.93);
        var versionBefore = evaluation.GetProperty("version").GetInt64();

        var receipt = await JsonAsync("forget", model, "--subject", "P000123");
        Assert.Equal(1, receipt.GetProperty("recordsRemoved").GetInt32());
        Assert.Equal("exact", receipt.GetProperty("method").GetString());
        Assert.Equal(model, receipt.GetProperty("model").GetString());
        var none = await JsonAsync("forget", model, "--subject", "nobody");
        Assert.Equal(0, none.GetProperty("recordsRemoved").GetInt32());

        var status = await JsonAsync("status", model);
        Assert.Equal(455, status.GetProperty("records").GetInt64());
        Assert.Equal(4, status.GetProperty("shards").GetArrayLength());
        Assert.All(status.GetProperty("shards").EnumerateArray(), s => Assert.Equal("serving", s.GetProperty("state").GetString()));
        Assert.Equal(4, status.GetProperty("shardsUsed").GetInt32());

        // The auditor's check: every shard rebuilt from its stored records has the served bits.
        var verified = await JsonAsync("verify", model);
        Assert.True(verified.GetProperty("identical").GetBoolean());
        Assert.All(verified.GetProperty("shards").EnumerateArray(), s =>
        {
            Assert.True(s.GetProperty("identical").GetBoolean());
            Assert.Matches("^[0-9a-f]{64}$", s.GetProperty("digest").GetString());
        });
        Assert.Equal(455, verified.GetProperty("shards").EnumerateArray().Sum(s => s.GetProperty("records").GetInt64()));
        Assert.True((await JsonAsync("evaluate", model, holdout)).GetProperty("version").GetInt64() > versionBefore);
    }

    [Fact]
    public async Task Cluster_errors_reach_the_user_as_one_line_and_a_non_zero_exit()
    {
        var (exit, stdout, stderr) = await RunAsync("status", "no-such-model", "--json");
        Assert.NotEqual(0, exit);
        Assert.Equal("", stdout);
        Assert.Equal("error: unknown model 'no-such-model': it does not exist (or was deleted)", stderr.Trim());
    }

    [Fact]
    public async Task Certified_models_explanations_and_dry_runs_through_the_cli()
    {
        var train = Path.Combine(DataFolder, "wdbc_train.csv");
        var holdout = Path.Combine(DataFolder, "wdbc_holdout.csv");

        var certified = ClusterFixture.UniqueName("clicert");
        await JsonAsync("create", certified, "--schema", train, "--shards", "2", "--unlearning", "certified",
            "--epsilon", "10", "--delta", "1e-5", "--lambda", "0.01");
        await JsonAsync("ingest", certified, train);
        await JsonAsync("train", certified);
        var receipt = await JsonAsync("forget", certified, "--subject", "P000123");
        Assert.Equal("certified", receipt.GetProperty("method").GetString());
        Assert.False(receipt.TryGetProperty("boundSpent", out _));
        Assert.Equal(2, receipt.GetProperty("shardsUsed").GetInt32());
        var budgets = (await JsonAsync("status", certified, "--budgets")).GetProperty("shards");
        Assert.All(budgets.EnumerateArray(), s => Assert.True(s.GetProperty("budget").GetProperty("left").GetDouble() > 0));
        Assert.Contains(budgets.EnumerateArray(), s => s.GetProperty("budget").GetProperty("spent").GetDouble() > 0);

        var exact = ClusterFixture.UniqueName("cliexp");
        await JsonAsync("create", exact, "--schema", train, "--shards", "2", "--slices", "2");
        await JsonAsync("ingest", exact, train);
        await JsonAsync("train", exact);
        var (exit, explained, _) = await RunAsync("explain", exact, holdout, "--top", "3", "--json");
        Assert.Equal(0, exit);
        var first = JsonDocument.Parse(explained.Split('\n')[0]).RootElement;
        Assert.Equal("P000005", first.GetProperty("id").GetString());
        Assert.InRange(first.GetProperty("raising").GetArrayLength(), 1, 3);
        Assert.StartsWith("P", first.GetProperty("lowering")[0].GetProperty("record").GetString());

        var dryRun = await JsonAsync("forget", exact, "--subject", "P000123", "--dry-run", "--probe", holdout);
        Assert.Equal("influence", dryRun.GetProperty("method").GetString());
        Assert.Equal(113, dryRun.GetProperty("rows").GetArrayLength());
        Assert.Equal(456, (await JsonAsync("status", exact)).GetProperty("records").GetInt64());
    }
}
