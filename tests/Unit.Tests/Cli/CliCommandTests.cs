using System.Text.Json;

using Spectre.Console;
using Unlearning.Cli;
using Unlearning.Cli.Output;

namespace Unlearning.Tests.Cli;

/// <summary>Each command against a fake cluster: what it sends, and its exact --json output.</summary>
public sealed class CliCommandTests : IDisposable
{
    private readonly CliHarness _cli = new();

    public void Dispose() => _cli.Dispose();

    [Fact]
    public async Task Create_takes_features_from_the_header_and_sorted_labels_with_defaults()
    {
        var schema = _cli.File("schema.csv", "id,b,subject,a,label\nr1,1,s,2,yes\nr2,3,s,4,No\nr3,5,s,6,maybe\n");

        var result = await _cli.RunAsync("create", "heart", "--schema", schema, "--json");

        Assert.Equal(0, result.ExitCode);
        Assert.Equal("", result.Stderr);
        var config = _cli.Fake.Cluster.Models["heart"].Config!;
        Assert.Equal(["b", "a"], config.FeatureNames);
        Assert.Equal(["No", "maybe", "yes"], config.Labels);
        Assert.Equal((8, 2, ModelConfig.DefaultLambda, EnsembleMode.Average, ModelConfig.DefaultMaxIterations),
            (config.Shards, config.Slices, config.Lambda, config.Ensemble, config.MaxIterations));
        Assert.Equal(
            """{"name":"heart","featureNames":["b","a"],"labels":["No","maybe","yes"],"shards":8,"slices":2,"lambda":0.0001,"ensemble":"average","maxIterations":1000,"method":"exact"}""",
            Assert.Single(result.StdoutLines));
    }

    [Fact]
    public async Task Create_passes_every_option()
    {
        var schema = _cli.File("schema.csv", "id,x,label\nr1,1,a\n");

        var result = await _cli.RunAsync("create", "m", "--schema", schema, "--shards", "3", "--slices", "2",
            "--lambda", "0.5", "--ensemble", "vote", "--max-iterations", "50");

        Assert.Equal(0, result.ExitCode);
        var config = _cli.Fake.Cluster.Models["m"].Config!;
        Assert.Equal((3, 2, 0.5, EnsembleMode.Vote, 50), (config.Shards, config.Slices, config.Lambda, config.Ensemble, config.MaxIterations));
        Assert.Contains("Created model 'm'", result.Stdout);
    }

    [Fact]
    public async Task Ingest_sends_records_in_schema_order_in_batches_of_ten_thousand()
    {
        var model = _cli.Model("m", "x", "y");
        var file = _cli.Rows("rows.csv", 25_000);

        var result = await _cli.RunAsync("ingest", "m", file, "--json");

        Assert.Equal(0, result.ExitCode);
        Assert.Equal([10_000, 10_000, 5_000], model.IngestBatches.Select(b => b.Length));
        var first = model.IngestBatches[0][0];
        Assert.Equal(("r0", "r0", -12_500.0, 1.0, 1), (first.Id, first.Subject, first.Features[0], first.Features[1], first.Label));
        var second = model.IngestBatches[0][1];
        Assert.Equal(("r1", -12_499.0, 0), (second.Id, second.Features[0], second.Label));
        var last = model.IngestBatches[2][^1];
        Assert.Equal(("r24999", 12_499.0, 1), (last.Id, last.Features[0], last.Label));
        Assert.Equal("""{"model":"m","accepted":25000,"records":25000,"unchanged":0}""", Assert.Single(result.StdoutLines));
    }

    [Fact]
    public async Task Ingest_sends_nothing_when_a_row_of_the_first_batch_is_bad()
    {
        var model = _cli.Model("m", "x", "y");
        var file = _cli.File("rows.csv", "id,x,y,label\nr1,1,2,yes\nr2,1,NaN,no\n");

        var result = await _cli.RunAsync("ingest", "m", file, "--json");

        Assert.Equal(1, result.ExitCode);
        Assert.Equal($"error: {file} line 3, column 'y': 'NaN' is not a finite number (NaN and infinity are rejected); nothing was ingested",
            result.ErrorLine);
        Assert.Empty(model.IngestBatches);
        Assert.Equal("", result.Stdout);
    }

    [Fact]
    public async Task Ingest_rejects_labels_the_model_does_not_know()
    {
        var model = _cli.Model("m", "x", "y");
        var file = _cli.File("rows.csv", "id,x,y,label\nr1,1,2,yes\nr2,1,2,YES\n");

        var result = await _cli.RunAsync("ingest", "m", file);

        Assert.Equal(1, result.ExitCode);
        Assert.Equal($"error: {file} line 3, column 'label': 'YES' is not one of the model's labels ('no', 'yes'); nothing was ingested",
            result.ErrorLine);
        Assert.Empty(model.IngestBatches);
    }

    [Fact]
    public async Task Ingest_into_a_missing_model_prints_the_grain_message()
    {
        var file = _cli.File("rows.csv", "id,x,label\nr1,1,yes\n");

        var result = await _cli.RunAsync("ingest", "heart", file, "--json");

        Assert.Equal(1, result.ExitCode);
        Assert.Equal("error: unknown model 'heart': it does not exist (or was deleted)", result.ErrorLine);
        Assert.Equal("", result.Stdout);
    }

    [Fact]
    public async Task Predict_json_is_one_line_per_row_in_input_order_with_round_trip_probabilities()
    {
        var model = _cli.Model("m", ["x", "y"], ["no", "yes"]);
        var file = _cli.File("new.csv", "y,id,x\n0,b,-1.25\n0,a,2.5\n0,\"c,1\",0.1\n");

        var result = await _cli.RunAsync("predict", "m", file, "--json");

        Assert.Equal(0, result.ExitCode);
        Assert.Equal("", result.Stderr);
        var lines = result.StdoutLines;
        Assert.Equal(3, lines.Length);
        var xs = new[] { -1.25, 2.5, 0.1 };
        var ids = new[] { "b", "a", "c,1" };
        for (var i = 0; i < lines.Length; i++)
        {
            var expected = FakeModelGrain.PredictRow([xs[i], 0]);
            using var json = JsonDocument.Parse(lines[i]);
            var properties = json.RootElement.EnumerateObject().Select(p => p.Name);
            Assert.Equal(["id", "label", "probabilities", "shardsUsed"], properties);
            Assert.Equal(ids[i], json.RootElement.GetProperty("id").GetString());
            Assert.Equal(expected.Label == 1 ? "yes" : "no", json.RootElement.GetProperty("label").GetString());
            var probabilities = json.RootElement.GetProperty("probabilities").EnumerateObject().ToArray();
            Assert.Equal(["no", "yes"], probabilities.Select(p => p.Name));
            Assert.Equal(expected.Probabilities, probabilities.Select(p => p.Value.GetDouble()));
        }

        Assert.Equal([-1.25, 0], model.PredictBatches.Single()[0]);
    }

    [Fact]
    public async Task Predict_sends_batches_and_keeps_every_row_in_order()
    {
        var model = _cli.Model("m", "x", "y");
        var file = _cli.Rows("rows.csv", 20_001);

        var result = await _cli.RunAsync("predict", "m", file, "--json");

        Assert.Equal(0, result.ExitCode);
        Assert.Equal([10_000, 10_000, 1], model.PredictBatches.Select(b => b.Length));
        var ids = result.StdoutLines.Select(line => JsonDocument.Parse(line).RootElement.GetProperty("id").GetString());
        Assert.Equal(Enumerable.Range(0, 20_001).Select(i => $"r{i}"), ids);
    }

    [Fact]
    public async Task Predict_names_missing_and_unexpected_columns()
    {
        var model = _cli.Model("m", "x", "y");
        var file = _cli.File("new.csv", "id,x,z\nr1,1,2\n");

        var result = await _cli.RunAsync("predict", "m", file, "--json");

        Assert.Equal(1, result.ExitCode);
        Assert.Equal($"error: {file}: the feature columns do not match the model's: missing 'y'; unexpected 'z'", result.ErrorLine);
        Assert.Empty(model.PredictBatches);
        Assert.Equal("", result.Stdout);
    }

    [Fact]
    public async Task Predict_prints_a_table_for_people()
    {
        _cli.Model("m", "x");
        var file = _cli.File("new.csv", "id,x\nalpha,3\n");

        var result = await _cli.RunAsync("predict", "m", file);

        Assert.Equal(0, result.ExitCode);
        Assert.Contains("P(yes)", result.Stdout);
        Assert.Contains("alpha", result.Stdout);
        Assert.DoesNotContain("\u001b[", result.Stdout); // not a terminal: no escape codes
    }

    [Fact]
    public async Task Evaluate_sends_one_call_up_to_a_hundred_thousand_rows()
    {
        var model = _cli.Model("m", "x", "y");
        var file = _cli.Rows("holdout.csv", 30_000);

        var result = await _cli.RunAsync("evaluate", "m", file, "--json");

        Assert.Equal(0, result.ExitCode);
        var call = Assert.Single(model.EvaluateCalls);
        Assert.Equal(30_000, call.Rows.Length);
        var accuracy = ExpectedAccuracy(call.Rows, call.Labels);
        Assert.Equal($$"""{"model":"m","rows":30000,"accuracy":{{accuracy:R}},"version":7,"shardsUsed":8}""", Assert.Single(result.StdoutLines));
    }

    [Fact]
    public async Task Evaluate_combines_batches_of_larger_files_weighted_by_rows()
    {
        var model = _cli.Model("m", "x", "y");
        var file = _cli.Rows("holdout.csv", 100_001);

        var result = await _cli.RunAsync("evaluate", "m", file, "--json");

        Assert.Equal(0, result.ExitCode);
        Assert.Equal(11, model.EvaluateCalls.Count);
        Assert.Single(model.EvaluateCalls[^1].Rows);
        var accuracy = ExpectedAccuracy([.. model.EvaluateCalls.SelectMany(c => c.Rows)], [.. model.EvaluateCalls.SelectMany(c => c.Labels)]);
        using var json = JsonDocument.Parse(Assert.Single(result.StdoutLines));
        Assert.Equal(100_001, json.RootElement.GetProperty("rows").GetInt32());
        Assert.Equal(accuracy, json.RootElement.GetProperty("accuracy").GetDouble(), 1e-12);
        Assert.Equal(6 + 11, json.RootElement.GetProperty("version").GetInt64());
    }

    [Fact]
    public async Task Evaluate_requires_the_label_column()
    {
        _cli.Model("m", "x");
        var file = _cli.File("holdout.csv", "id,x\nr1,1\n");

        var result = await _cli.RunAsync("evaluate", "m", file);

        Assert.Equal($"error: {file} line 1: missing required column 'label'", result.ErrorLine);
    }

    [Fact]
    public async Task Train_json_is_the_train_result()
    {
        _cli.Model("m", "x");

        var result = await _cli.RunAsync("train", "m", "--json");

        Assert.Equal("""{"model":"m","records":0,"shardsServing":3,"version":7,"elapsedMs":42}""", Assert.Single(result.StdoutLines));
    }

    [Fact]
    public async Task Forget_json_is_the_receipt_with_exactly_the_contract_keys()
    {
        var model = _cli.Model("m", "x");

        var result = await _cli.RunAsync("forget", "m", "--subject", "P000123", "--request-id", "erasure-7", "--json");

        Assert.Equal(0, result.ExitCode);
        Assert.Equal(["P000123"], model.Forgotten);
        Assert.Equal(
            """{"requestId":"erasure-7","model":"m","subject":"P000123","shard":3,"recordsRemoved":2,"slicesRetrained":1,"versionBefore":10,"versionAfter":12,"method":"exact","elapsedMs":5,"shardsUsed":8}""",
            Assert.Single(result.StdoutLines));
    }

    [Fact]
    public async Task Status_json_lists_the_shards()
    {
        _cli.Model("m", "x");

        var result = await _cli.RunAsync("status", "m", "--json");

        Assert.Equal(
            """{"model":"m","records":5,"shards":[{"index":0,"records":3,"version":4,"state":"serving","silo":"S127.0.0.1:11111:1"},{"index":1,"records":2,"version":5,"state":"retraining","silo":"S127.0.0.1:11112:1"}],"trained":true,"version":9,"shardsUsed":0,"alerts":[]}""",
            Assert.Single(result.StdoutLines));
    }

    [Fact]
    public async Task Status_prints_a_table_for_people()
    {
        _cli.Model("m", "x");

        var result = await _cli.RunAsync("status", "m");

        Assert.Equal(0, result.ExitCode);
        Assert.Contains("Model 'm': 5 records, trained, version 9, predictions use 0 of 2 shards.", result.Stdout);
        Assert.Contains("retraining", result.Stdout);
        Assert.Contains("S127.0.0.1:11112:1", result.Stdout);
    }

    [Fact]
    public async Task Status_watch_asks_again_every_interval_until_stopped()
    {
        _cli.Model("m", "x");

        // Outside a terminal each refresh is one more JSON line; --timeout stops the watch here, as Ctrl+C would.
        var result = await _cli.RunAsync("status", "m", "--watch", "--interval", "1s", "--timeout", "4s", "--json");

        Assert.True(result.StdoutLines.Length >= 3, $"{result.StdoutLines.Length} refreshes in 4 s at 1 s (exit {result.ExitCode}: {result.Stderr})");
        Assert.All(result.StdoutLines, line => Assert.StartsWith("{\"model\":\"m\",\"records\":5,\"shards\":[", line));
    }

    [Fact]
    public void Status_watch_draws_the_shards_table()
    {
        var status = new ModelStatus("m", 5, true, 9,
        [
            new ShardStatus(0, 3, 4, ShardServingState.Serving, "S127.0.0.1:11111:1", [1, 1], 0),
            new ShardStatus(1, 2, 5, ShardServingState.Retraining, "S127.0.0.1:11112:1", [2, 1], 1),
        ], 1, ["shard 1 out of the ensemble for 10 minutes"]);
        var text = new StringWriter();
        var console = AnsiConsole.Create(new AnsiConsoleSettings { Out = new AnsiConsoleOutput(text), Ansi = AnsiSupport.No });

        console.Write(HumanResultWriter.StatusView(status, new DateTime(2026, 1, 2, 3, 4, 5)));

        var drawn = text.ToString();
        Assert.Contains("Model 'm': 5 records, trained, version 9, predictions use 1 of 2 shards.", drawn);
        Assert.Contains("retraining", drawn);
        Assert.Contains("S127.0.0.1:11112:1", drawn);
        Assert.Contains("ALERT: shard 1 out of the ensemble for 10 minutes", drawn);
        Assert.Contains("Updated 03:04:05; Ctrl+C stops.", drawn);
    }

    [Theory]
    [InlineData("status", "m", "--interval", "1s")]
    [InlineData("status", "m", "--watch", "--budgets")]
    [InlineData("status", "m", "--watch", "--interval", "0s")]
    public async Task Status_watch_options_that_do_not_go_together_are_usage_errors(params string[] args)
    {
        _cli.Model("m", "x");

        var result = await _cli.RunAsync(args);

        Assert.Equal(2, result.ExitCode);
        Assert.Equal("", result.Stdout);
    }

    [Fact]
    public async Task Grain_exceptions_become_one_error_line_without_a_stack_trace()
    {
        var model = _cli.Model("m", "x");
        model.Failure = new InvalidOperationException("shard 3 is\nretraining; try again");

        var result = await _cli.RunAsync("status", "m", "--json");

        Assert.Equal(1, result.ExitCode);
        Assert.Equal("error: shard 3 is retraining; try again", result.ErrorLine);
        Assert.Equal("", result.Stdout);
    }

    [Fact]
    public async Task Connection_failures_are_one_error_line()
    {
        var stderr = new StringWriter();
        var exitCode = await Unlearn.RunAsync(["train", "m"], new StringWriter(), stderr,
            (gateway, _) => throw new IOException($"cannot reach {gateway}"));

        Assert.Equal(1, exitCode);
        Assert.Equal("error: cannot reach localhost:30000", stderr.ToString().Trim());
    }

    private static double ExpectedAccuracy(double[][] rows, int[] labels) =>
        (double)rows.Where((row, i) => FakeModelGrain.PredictRow(row).Label == labels[i]).Count() / rows.Length;
}
