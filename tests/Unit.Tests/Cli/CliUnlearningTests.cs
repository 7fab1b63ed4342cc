using System.Text.Json;
using System.Text.RegularExpressions;

namespace Unlearning.Tests.Cli;

/// <summary>Certified models, receipts with their bound, forget dry runs, shard budgets and explanations through the CLI.</summary>
public sealed partial class CliUnlearningTests : IDisposable
{
    private const string Schema = "id,x,c,label\nr1,1,5,a\nr2,2,5,b\nr3,6,5,a\n";

    private readonly CliHarness _cli = new();

    public void Dispose() => _cli.Dispose();

    [Fact]
    public async Task Create_is_exact_by_default_without_certified_options()
    {
        var schema = _cli.File("schema.csv", Schema);

        var result = await _cli.RunAsync("create", "m", "--schema", schema);

        Assert.Equal(0, result.ExitCode);
        var config = _cli.Fake.Cluster.Models["m"].Config!;
        Assert.Equal((UnlearningMethod.Exact, 2, null), (config.Method, config.Slices, config.Certified));
        Assert.Contains("exact", result.Stdout);
        Assert.DoesNotContain("Note:", result.Stdout);
    }

    [Fact]
    public async Task Create_certified_sends_the_guarantee_with_the_schema_statistics_and_one_slice()
    {
        var schema = _cli.File("schema.csv", Schema);

        var result = await _cli.RunAsync("create", "m", "--schema", schema, "--unlearning", "certified",
            "--epsilon", "0.5", "--delta", "1e-5", "--json");

        Assert.Equal(0, result.ExitCode);
        Assert.Equal("", result.Stderr);
        var config = _cli.Fake.Cluster.Models["m"].Config!;
        Assert.Equal(UnlearningMethod.Certified, config.Method);
        Assert.Equal(1, config.Slices);
        Assert.Equal(8, config.Shards);
        var certified = config.Certified!;
        // No --sigma: the model calibrates sigma and lambda at its first train for the default removals per shard.
        Assert.Equal((0.5, 1e-5, 0.0, CertifiedOptions.DefaultRemovals, true, 0.0),
            (certified.Epsilon, certified.Delta, certified.Sigma, certified.Removals, certified.ChooseLambda, config.Lambda));
        Assert.Null(certified.Calibration);
        Assert.Equal([3.0, 5.0], certified.FeatureCentres!);
        Assert.Equal(Math.Sqrt(14.0 / 3), certified.FeatureScales![0], 1e-12); // population deviation of 1, 2, 6
        Assert.Equal(1.0, certified.FeatureScales[1]); // a constant feature is centred, not scaled

        using var json = JsonDocument.Parse(Assert.Single(result.StdoutLines)); // no note in JSON
        var root = json.RootElement;
        Assert.Equal(["name", "featureNames", "labels", "shards", "slices", "lambda", "ensemble", "maxIterations", "method", "certified"],
            root.EnumerateObject().Select(p => p.Name));
        Assert.Equal("certified", root.GetProperty("method").GetString());
        Assert.Equal(1, root.GetProperty("slices").GetInt32());
        var options = root.GetProperty("certified");
        Assert.Equal(["epsilon", "delta", "sigma", "featureCentres", "featureScales", "removals", "chooseLambda"],
            options.EnumerateObject().Select(p => p.Name));
        Assert.Equal((0.5, 1e-5, 0.0, 100, true), (options.GetProperty("epsilon").GetDouble(), options.GetProperty("delta").GetDouble(),
            options.GetProperty("sigma").GetDouble(), options.GetProperty("removals").GetInt32(), options.GetProperty("chooseLambda").GetBoolean()));
        Assert.Equal([3.0, 5.0], options.GetProperty("featureCentres").EnumerateArray().Select(v => v.GetDouble()));
        Assert.Equal(certified.FeatureScales, options.GetProperty("featureScales").EnumerateArray().Select(v => v.GetDouble()));
    }

    [Fact]
    public async Task Create_certified_takes_removals_and_keeps_a_given_lambda_fixed()
    {
        var schema = _cli.File("schema.csv", Schema);

        var result = await _cli.RunAsync("create", "m", "--schema", schema, "--unlearning", "certified", "--epsilon", "1",
            "--delta", "1e-4", "--removals", "1000", "--lambda", "0.01");

        Assert.Equal(0, result.ExitCode);
        var config = _cli.Fake.Cluster.Models["m"].Config!;
        Assert.Equal((1000, false, 0.0, 0.01), (config.Certified!.Removals, config.Certified.ChooseLambda, config.Certified.Sigma, config.Lambda));
        var text = Unwrapped(result.Stdout);
        Assert.Contains("chosen at the first train for 1,000 removals per shard", text);
        Assert.DoesNotContain("chosen at the first train from", text); // lambda was given
    }

    [Fact]
    public async Task Create_certified_for_people_says_sigma_and_lambda_are_chosen_at_the_first_train()
    {
        var schema = _cli.File("schema.csv", Schema);

        var result = await _cli.RunAsync("create", "m", "--schema", schema, "--unlearning", "certified", "--epsilon", "1", "--delta", "1e-4");

        Assert.Equal(0, result.ExitCode);
        var text = Unwrapped(result.Stdout);
        Assert.Contains("chosen at the first train for 100 removals per shard", text);
        Assert.Contains("chosen at the first train from 0.0001, 0.001, 0.01, 0.1", text);
    }

    [Theory]
    [InlineData("1")]
    [InlineData("1000000")]
    public async Task Removals_bounds_are_accepted(string removals)
    {
        var schema = _cli.File("schema.csv", Schema);

        var result = await _cli.RunAsync("create", "m", "--schema", schema, "--unlearning", "certified", "--epsilon", "1",
            "--delta", "1e-4", "--removals", removals);

        Assert.Equal(0, result.ExitCode);
        Assert.Equal(int.Parse(removals, System.Globalization.CultureInfo.InvariantCulture), _cli.Fake.Cluster.Models["m"].Config!.Certified!.Removals);
    }

    [Fact]
    public async Task Create_certified_passes_sigma_lambda_and_an_explicit_single_slice_and_notes_the_statistics()
    {
        var schema = _cli.File("schema.csv", Schema);

        var result = await _cli.RunAsync("create", "m", "--schema", schema, "--unlearning", "certified", "--epsilon", "2",
            "--delta", "0.001", "--sigma", "0.25", "--lambda", "0.01", "--slices", "1", "--shards", "3");

        Assert.Equal(0, result.ExitCode);
        var config = _cli.Fake.Cluster.Models["m"].Config!;
        Assert.Equal((3, 1, 0.01), (config.Shards, config.Slices, config.Lambda));
        Assert.Equal((2.0, 0.001, 0.25), (config.Certified!.Epsilon, config.Certified.Delta, config.Certified.Sigma));
        Assert.Contains("certified", result.Stdout);
        var note = Assert.Single(result.StdoutLines, line => line.StartsWith("Note:", StringComparison.Ordinal));
        Assert.Contains("not forgotten with records", note);
        Assert.Contains("reference file", result.Stdout);
    }

    [Theory]
    [InlineData("--unlearning certified", "--unlearning certified requires --epsilon and --delta")]
    [InlineData("--unlearning certified --epsilon 1", "--unlearning certified requires --delta")]
    [InlineData("--unlearning certified --delta 0.01", "--unlearning certified requires --epsilon")]
    [InlineData("--epsilon 1", "--epsilon applies only with --unlearning certified")]
    [InlineData("--unlearning exact --delta 0.1 --sigma 2", "--delta and --sigma apply only with --unlearning certified")]
    [InlineData("--epsilon 1 --delta 0.1 --sigma 2", "--epsilon, --delta and --sigma apply only with --unlearning certified")]
    [InlineData("--unlearning certified --epsilon 1 --delta 0.1 --slices 4", "--slices must be 1 with --unlearning certified, not '4'")]
    [InlineData("--unlearning approximate", "--unlearning must be 'exact' or 'certified', not 'approximate'")]
    [InlineData("--unlearning certified --epsilon 0 --delta 0.1", "--epsilon must be a finite number > 0, not '0'")]
    [InlineData("--unlearning certified --epsilon Infinity --delta 0.1", "--epsilon must be a finite number > 0, not 'Infinity'")]
    [InlineData("--unlearning certified --epsilon 1 --delta 1", "--delta must be a number strictly between 0 and 1, not '1'")]
    [InlineData("--unlearning certified --epsilon 1 --delta 0", "--delta must be a number strictly between 0 and 1, not '0'")]
    [InlineData("--unlearning certified --epsilon 1 --delta 0.1 --sigma -1", "--sigma must be a finite number > 0, not '-1'")]
    [InlineData("--unlearning certified --epsilon 1 --delta 0.1 --removals 0", "--removals must be an integer from 1 to 1000000, not '0'")]
    [InlineData("--unlearning certified --epsilon 1 --delta 0.1 --removals 1000001", "--removals must be an integer from 1 to 1000000, not '1000001'")]
    [InlineData("--unlearning certified --epsilon 1 --delta 0.1 --removals -5", "--removals must be an integer from 1 to 1000000, not '-5'")]
    [InlineData("--unlearning certified --epsilon 1 --delta 0.1 --removals 2.5", "--removals must be an integer from 1 to 1000000, not '2.5'")]
    [InlineData("--unlearning certified --epsilon 1 --delta 0.1 --removals 10 --sigma 2",
        "--removals and --sigma exclude each other: give --removals and the model chooses sigma for them, or --sigma and status --budgets estimates the removals left as they are made")]
    [InlineData("--removals 10", "--removals applies only with --unlearning certified")]
    public async Task Create_method_options_are_validated_before_connecting(string options, string message)
    {
        var schema = _cli.File("schema.csv", Schema);

        var result = await _cli.RunAsync(["create", "m", "--schema", schema, .. options.Split(' ')]);

        Assert.Equal(2, result.ExitCode);
        Assert.Equal($"error: {message} (see --help)", result.ErrorLine);
        Assert.Equal("", result.Stdout);
        Assert.Empty(result.Gateways);
    }

    [Fact]
    public async Task A_receipt_names_the_method_and_the_shards_used_but_no_budget()
    {
        var model = _cli.Model("m", "x");
        model.Receipt = new ForgetReceipt("req-2", "m", "P1", 0, 1, 0, 3, 4, ForgetMethod.Certified, 6, 7);

        var result = await _cli.RunAsync("forget", "m", "--subject", "P1", "--request-id", "req-2", "--json");

        Assert.Equal(0, result.ExitCode);
        Assert.Equal(
            """{"requestId":"req-2","model":"m","subject":"P1","shard":0,"recordsRemoved":1,"slicesRetrained":0,"versionBefore":3,"versionAfter":4,"method":"certified","elapsedMs":6,"shardsUsed":7}""",
            Assert.Single(result.StdoutLines));
        var human = await _cli.RunAsync("forget", "m", "--subject", "P1");
        Assert.Contains("shards used", human.Stdout);
        Assert.DoesNotContain("budget", human.Stdout);
        Assert.DoesNotContain("bound", human.Stdout);
    }

    [Fact]
    public async Task Dry_run_json_is_one_object_comparing_each_probe_row_before_and_after_and_changes_nothing()
    {
        var model = _cli.Model("m", ["x", "y"], ["no", "yes"]);
        var probe = _cli.File("probe.csv", "y,id,x,label\n1,p1,0.5,yes\n2,p2,3,no\n3,\"p,3\",-2,no\n");

        var result = await _cli.RunAsync("forget", "m", "--subject", "S1", "--dry-run", "--probe", probe, "--json");

        Assert.Equal(0, result.ExitCode);
        Assert.Equal("", result.Stderr);
        Assert.Empty(model.Forgotten);
        var call = Assert.Single(model.EstimateCalls);
        Assert.Equal("S1", call.Subject);
        Assert.Equal([[0.5, 1], [3, 2], [-2, 3]], call.Probe);

        using var json = JsonDocument.Parse(Assert.Single(result.StdoutLines));
        var root = json.RootElement;
        Assert.Equal(["model", "subject", "shard", "recordsAffected", "method", "version", "meanAbsoluteChange", "rows"],
            root.EnumerateObject().Select(p => p.Name));
        Assert.Equal(("m", "S1", 3, 2, "influence", 7L),
            (root.GetProperty("model").GetString(), root.GetProperty("subject").GetString(), root.GetProperty("shard").GetInt32(),
                root.GetProperty("recordsAffected").GetInt32(), root.GetProperty("method").GetString(), root.GetProperty("version").GetInt64()));

        var rows = root.GetProperty("rows").EnumerateArray().ToArray();
        Assert.Equal(["p1", "p2", "p,3"], rows.Select(r => r.GetProperty("id").GetString()));
        var changes = new List<double>();
        foreach (var (row, x) in rows.Zip(new[] { 0.5, 3, -2 }))
        {
            var before = FakeModelGrain.PredictRow([x]);
            var after = FakeModelGrain.EstimateRow([x]);
            Assert.Equal(["id", "label", "probabilities", "estimatedLabel", "estimatedProbabilities"], row.EnumerateObject().Select(p => p.Name));
            Assert.Equal(before.Label == 1 ? "yes" : "no", row.GetProperty("label").GetString());
            Assert.Equal(after.Label == 1 ? "yes" : "no", row.GetProperty("estimatedLabel").GetString());
            Assert.Equal(["no", "yes"], row.GetProperty("probabilities").EnumerateObject().Select(p => p.Name));
            Assert.Equal(before.Probabilities, row.GetProperty("probabilities").EnumerateObject().Select(p => p.Value.GetDouble()));
            Assert.Equal(after.Probabilities, row.GetProperty("estimatedProbabilities").EnumerateObject().Select(p => p.Value.GetDouble()));
            changes.AddRange(before.Probabilities.Zip(after.Probabilities, (b, a) => Math.Abs(a - b)));
        }

        Assert.Equal("yes", rows[0].GetProperty("label").GetString());
        Assert.Equal("no", rows[0].GetProperty("estimatedLabel").GetString());
        Assert.Equal(changes.Average(), root.GetProperty("meanAbsoluteChange").GetDouble(), 1e-15);
    }

    [Fact]
    public async Task Dry_run_sends_probe_batches_of_ten_thousand_and_keeps_every_row_in_order()
    {
        var model = _cli.Model("m", "x", "y");
        model.EstimateMethod = ForgetMethod.Certified;
        var probe = _cli.Rows("probe.csv", 20_001);

        var result = await _cli.RunAsync("forget", "m", "--subject", "S1", "--dry-run", "--probe", probe, "--json");

        Assert.Equal(0, result.ExitCode);
        Assert.Equal([10_000, 10_000, 1], model.EstimateCalls.Select(c => c.Probe.Length));
        Assert.All(model.EstimateCalls, c => Assert.Equal("S1", c.Subject));
        using var json = JsonDocument.Parse(Assert.Single(result.StdoutLines));
        var rows = json.RootElement.GetProperty("rows").EnumerateArray().ToArray();
        Assert.Equal(Enumerable.Range(0, 20_001).Select(i => $"r{i}"), rows.Select(r => r.GetProperty("id").GetString()));
        var second = rows[10_000]; // the second batch's first row, x = 0
        Assert.Equal(FakeModelGrain.PredictRow([0, 1]).Probabilities[1], second.GetProperty("probabilities").GetProperty("yes").GetDouble());
        Assert.Equal(FakeModelGrain.EstimateRow([0, 1]).Probabilities[1], second.GetProperty("estimatedProbabilities").GetProperty("yes").GetDouble());
        Assert.Equal(("certified", 6L + 3), (json.RootElement.GetProperty("method").GetString(), json.RootElement.GetProperty("version").GetInt64()));
    }

    [Theory]
    [InlineData("--dry-run", "--dry-run needs --probe FILE: the rows to estimate the change on")]
    [InlineData("--probe p.csv", "--probe applies only with --dry-run")]
    public async Task Dry_run_and_probe_go_together(string options, string message)
    {
        var model = _cli.Model("m", "x");

        var result = await _cli.RunAsync(["forget", "m", "--subject", "S1", .. options.Split(' ')]);

        Assert.Equal(2, result.ExitCode);
        Assert.Equal($"error: {message} (see --help)", result.ErrorLine);
        Assert.Empty(result.Gateways);
        Assert.Empty(model.Forgotten);
    }

    [Fact]
    public async Task Dry_run_validates_the_probe_against_the_schema_and_sends_nothing_on_error()
    {
        var model = _cli.Model("m", "x", "y");
        var probe = _cli.File("probe.csv", "id,x\np1,1\n");

        var result = await _cli.RunAsync("forget", "m", "--subject", "S1", "--dry-run", "--probe", probe, "--json");

        Assert.Equal(1, result.ExitCode);
        Assert.Equal($"error: {probe}: the feature columns do not match the model's: missing 'y'", result.ErrorLine);
        Assert.Empty(model.EstimateCalls);
        Assert.Empty(model.Forgotten);
        Assert.Equal("", result.Stdout);
    }

    [Fact]
    public async Task Dry_run_for_people_lists_the_rows_whose_label_would_change()
    {
        _cli.Model("m", "x");
        var probe = _cli.File("probe.csv", "id,x\nflips,0.5\nstays,3\n");

        var result = await _cli.RunAsync("forget", "m", "--subject", "S1", "--dry-run", "--probe", probe);

        Assert.Equal(0, result.ExitCode);
        Assert.Contains("Dry run, nothing changed", result.Stdout);
        Assert.Contains("1 would change label", Unwrapped(result.Stdout));
        Assert.Contains("flips", result.Stdout);
        Assert.DoesNotContain("stays", result.Stdout);
    }

    [Fact]
    public async Task Dry_run_for_people_lists_the_twenty_rows_that_change_most_when_no_label_changes()
    {
        _cli.Model("m", "x");
        var probe = _cli.File("probe.csv", "id,x\n" + string.Concat(Enumerable.Range(10, 25).Select(x => $"q{x},{x}\n")));

        var result = await _cli.RunAsync("forget", "m", "--subject", "S1", "--dry-run", "--probe", probe);

        Assert.Equal(0, result.ExitCode);
        Assert.Contains("0 would change label", Unwrapped(result.Stdout));
        // The fake's probabilities move least far out on the sigmoid, so the rows nearest 0 change most.
        Assert.Equal(Enumerable.Range(10, 20).Select(x => $"q{x}"), ProbeIds().Matches(result.Stdout).Select(m => m.Value));
    }

    [Fact]
    public async Task Status_json_says_how_many_shards_predictions_use_and_shows_no_budget()
    {
        var model = _cli.Model("m", "x");
        model.Budgets = [new CertifiedBudget(0.5, 0.125), null];

        var result = await _cli.RunAsync("status", "m", "--json");

        Assert.Equal(
            """{"model":"m","records":5,"shards":[{"index":0,"records":3,"version":4,"state":"serving","silo":"S127.0.0.1:11111:1"},{"index":1,"records":2,"version":5,"state":"retraining","silo":"S127.0.0.1:11112:1"}],"trained":true,"version":9,"shardsUsed":0,"alerts":[]}""",
            Assert.Single(result.StdoutLines));
    }

    [Fact]
    public async Task Budgets_are_shown_apart_for_auditors()
    {
        var model = _cli.Model("m", "x");
        model.Config = model.Config! with { Method = UnlearningMethod.Certified, Slices = 1, Certified = new CertifiedOptions(1, 1e-5, 1, null, null) };
        model.Budgets = [new CertifiedBudget(0.5, 0.125), new CertifiedBudget(0.5, 0)];

        var json = await _cli.RunAsync("status", "m", "--budgets", "--json");
        Assert.Equal(
            """{"model":"m","epsilon":1,"delta":1E-05,"shards":[{"index":0,"budget":{"total":0.5,"spent":0.125,"left":0.375},"refits":1},{"index":1,"budget":{"total":0.5,"spent":0,"left":0.5},"refits":1}],"sigma":1,"lambda":0.0001}""",
            Assert.Single(json.StdoutLines));

        var result = await _cli.RunAsync("status", "m", "--budgets");
        Assert.Contains("spent / budget", result.Stdout);
        Assert.Contains("0.125 / 0.5", result.Stdout);
        Assert.Contains("0 / 0.5", result.Stdout);
    }

    [Fact]
    public async Task Budgets_show_each_shards_estimated_removals_left_and_the_calibration()
    {
        var model = _cli.Model("m", "x");
        model.Config = model.Config! with
        {
            Method = UnlearningMethod.Certified,
            Slices = 1,
            Lambda = 0.01,
            Certified = new CertifiedOptions(1, 1e-5, 2.5, null, null, Removals: 100, ChooseLambda: true),
        };
        model.Budgets = [new CertifiedBudget(0.5, 0.125), new CertifiedBudget(0.5, 0)];
        model.Forecasts = [(0.0025, 150), (null, null)];

        var json = await _cli.RunAsync("status", "m", "--budgets", "--json");
        Assert.Equal(
            """{"model":"m","epsilon":1,"delta":1E-05,"shards":[{"index":0,"budget":{"total":0.5,"spent":0.125,"left":0.375},"refits":1,"stepBound":0.0025,"removalsLeft":150},{"index":1,"budget":{"total":0.5,"spent":0,"left":0.5},"refits":1}],"sigma":2.5,"lambda":0.01,"removals":100}""",
            Assert.Single(json.StdoutLines));

        var result = await _cli.RunAsync("status", "m", "--budgets");
        Assert.Contains("removals left", result.Stdout);
        Assert.Contains("150", result.Stdout);
        Assert.Contains("calibrated for 100 removals per shard", Unwrapped(result.Stdout));
    }

    [Fact]
    public async Task Status_shows_the_calibrated_sigma_and_lambda_with_their_accuracy_price()
    {
        var model = _cli.Model("m", "x");
        var calibration = new CertifiedCalibration(400, 0.002, [0.002, 0.0015], 80, 0.9375, 0.95,
            [new CalibrationCandidateResult(1e-4, 90, 0.5, 0.95, false), new CalibrationCandidateResult(0.1, 2.5, 0.9375, 0.95, true)], 0.006);
        model.Config = model.Config! with
        {
            Method = UnlearningMethod.Certified,
            Slices = 1,
            Lambda = 0.1,
            Certified = new CertifiedOptions(1, 1e-5, 2.5, [0.0], [1.0], Removals: 100, ChooseLambda: true, Calibration: calibration),
        };

        var json = await _cli.RunAsync("status", "m", "--json");
        using var document = JsonDocument.Parse(Assert.Single(json.StdoutLines));
        var certified = document.RootElement.GetProperty("certified");
        Assert.Equal(["epsilon", "delta", "sigma", "lambda", "removals", "calibration"], certified.EnumerateObject().Select(p => p.Name));
        Assert.Equal((2.5, 0.1, 100), (certified.GetProperty("sigma").GetDouble(), certified.GetProperty("lambda").GetDouble(), certified.GetProperty("removals").GetInt32()));
        var measured = certified.GetProperty("calibration");
        Assert.Equal(["records", "stepBound", "shardStepBounds", "heldOutRows", "heldOutAccuracy", "exactHeldOutAccuracy", "accuracyPrice", "candidates", "highStepBound"],
            measured.EnumerateObject().Select(p => p.Name));
        Assert.Equal(0.0125, measured.GetProperty("accuracyPrice").GetDouble(), 1e-12);
        Assert.Equal(2, measured.GetProperty("candidates").GetArrayLength());

        var human = Unwrapped((await _cli.RunAsync("status", "m")).Stdout);
        Assert.Contains("sigma 2.5, lambda 0.1", human);
        Assert.Contains("held-out accuracy 93.75% vs 95.00% for an exact fit of the same lambda", human);
        Assert.Contains("about 0.002 spent per removal (95% of removals below 0.006)", human);
    }

    [Fact]
    public async Task Explain_json_is_one_line_per_row_in_input_order_with_the_contract_keys()
    {
        var model = _cli.Model("m", ["x", "y"], ["no", "yes"]);
        var file = _cli.File("rows.csv", "y,id,x,label\n0,b,-1.25,yes\n0,a,2.5,no\n");

        var result = await _cli.RunAsync("explain", "m", file, "--top", "1", "--json");

        Assert.Equal(0, result.ExitCode);
        Assert.Equal("", result.Stderr);
        var call = Assert.Single(model.ExplainCalls);
        Assert.Equal([[-1.25, 0], [2.5, 0]], call.Rows);
        Assert.Equal(1, call.Top);
        Assert.Equal(
        [
            """{"id":"b","label":"no","raising":[{"record":"up:-1.25:0","shard":0,"score":0.3333333333333333}],"lowering":[{"record":"down:-1.25:0","shard":0,"score":-0.14285714285714285}]}""",
            """{"id":"a","label":"yes","raising":[{"record":"up:2.5:0","shard":0,"score":0.3333333333333333}],"lowering":[{"record":"down:2.5:0","shard":0,"score":-0.14285714285714285}]}""",
        ], result.StdoutLines);
    }

    [Fact]
    public async Task Explain_sends_batches_of_a_thousand_with_the_default_top_and_keeps_every_row_in_order()
    {
        var model = _cli.Model("m", "x", "y");
        var file = _cli.Rows("rows.csv", 2_001);

        var result = await _cli.RunAsync("explain", "m", file, "--json");

        Assert.Equal(0, result.ExitCode);
        Assert.Equal([1_000, 1_000, 1], model.ExplainCalls.Select(c => c.Rows.Length));
        Assert.All(model.ExplainCalls, c => Assert.Equal(5, c.Top));
        var lines = result.StdoutLines.Select(line => JsonDocument.Parse(line).RootElement).ToArray();
        Assert.Equal(Enumerable.Range(0, 2_001).Select(i => $"r{i}"), lines.Select(l => l.GetProperty("id").GetString()));
        Assert.Equal(Enumerable.Range(0, 2_001).Select(i => $"up:{i - 1_000}:0"),
            lines.Select(l => l.GetProperty("raising")[0].GetProperty("record").GetString()));
        Assert.All(lines, l => Assert.Equal((5, 5), (l.GetProperty("raising").GetArrayLength(), l.GetProperty("lowering").GetArrayLength())));
    }

    [Theory]
    [InlineData("0")]
    [InlineData("101")]
    [InlineData("-1")]
    [InlineData("many")]
    public async Task Explain_top_must_be_from_1_to_100(string top)
    {
        _cli.Model("m", "x");
        var file = _cli.File("rows.csv", "id,x\na,1\n");

        var result = await _cli.RunAsync("explain", "m", file, "--top", top);

        Assert.Equal(2, result.ExitCode);
        Assert.Equal($"error: --top must be an integer from 1 to 100, not '{top}' (see --help)", result.ErrorLine);
        Assert.Empty(result.Gateways);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(100)]
    public async Task Explain_top_bounds_are_accepted(int top)
    {
        var model = _cli.Model("m", "x");
        var file = _cli.File("rows.csv", "id,x\na,1\n");

        var result = await _cli.RunAsync("explain", "m", file, "--top", $"{top}", "--json");

        Assert.Equal(0, result.ExitCode);
        Assert.Equal(top, Assert.Single(model.ExplainCalls).Top);
    }

    [Fact]
    public async Task Explain_validates_the_file_against_the_schema_and_sends_nothing_on_error()
    {
        var model = _cli.Model("m", "x", "y");
        var file = _cli.File("rows.csv", "id,x,z\na,1,2\n");

        var result = await _cli.RunAsync("explain", "m", file, "--json");

        Assert.Equal(1, result.ExitCode);
        Assert.Equal($"error: {file}: the feature columns do not match the model's: missing 'y'; unexpected 'z'", result.ErrorLine);
        Assert.Empty(model.ExplainCalls);
    }

    [Fact]
    public async Task Explain_for_people_prints_a_table_per_row()
    {
        _cli.Model("m", "x");
        var file = _cli.File("rows.csv", "id,x\nalpha,2.5\nbeta,-1\n");

        var result = await _cli.RunAsync("explain", "m", file, "--top", "2");

        Assert.Equal(0, result.ExitCode);
        Assert.Contains("Row 'alpha': predicted 'yes'.", result.Stdout);
        Assert.Contains("Row 'beta': predicted 'no'.", result.Stdout);
        Assert.Contains("up:2.5:1", result.Stdout);
        Assert.Contains("down:-1:0", result.Stdout);
        Assert.True(result.Stdout.IndexOf("alpha", StringComparison.Ordinal) < result.Stdout.IndexOf("beta", StringComparison.Ordinal));
    }

    /// <summary>Sentences as one line: output that is not a terminal wraps at 80 columns.</summary>
    private static string Unwrapped(string text) => Whitespace().Replace(text, " ");

    [GeneratedRegex(@"\bq\d+\b")]
    private static partial Regex ProbeIds();

    [GeneratedRegex(@"\s+")]
    private static partial Regex Whitespace();

    [Fact]
    public async Task Verify_json_reports_bits_for_exact_models()
    {
        var model = _cli.Model("m", "x");
        model.Verification = new VerificationReport("m", UnlearningMethod.Exact,
            [new ShardVerification(0, true, "ab", "ab", 3, 4), new ShardVerification(1, false, "cd", "ef", 2, 5)], false);

        var result = await _cli.RunAsync("verify", "m", "--json");

        Assert.Equal(0, result.ExitCode);
        Assert.Equal(
            """{"model":"m","shards":[{"index":0,"identical":true,"digest":"ab","records":3},{"index":1,"identical":false,"digest":"cd","records":2}],"identical":false}""",
            Assert.Single(result.StdoutLines));
    }

    [Fact]
    public async Task Verify_json_reports_residuals_against_bounds_for_certified_models()
    {
        var model = _cli.Model("m", "x");
        model.Verification = new VerificationReport("m", UnlearningMethod.Certified, [new ShardVerification(0, true, "ab", null, 3, 4, 0.25, 0.5)], true);

        var result = await _cli.RunAsync("verify", "m", "--json");

        Assert.Equal(
            """{"model":"m","shards":[{"index":0,"digest":"ab","residual":0.25,"bound":0.5,"withinBound":true,"records":3}],"withinBounds":true}""",
            Assert.Single(result.StdoutLines));
    }

    [Fact]
    public async Task Verify_with_files_attacks_the_forgotten_records_and_says_what_it_found()
    {
        var model = _cli.Model("m", "x");
        var forgotten = _cli.File("forgotten.csv", "id,x,label\nf1,1,yes\nf2,2,no\n");
        var holdout = _cli.File("holdout.csv", "id,subject,x,label\nh1,s1,1,no\nh2,s2,-1,yes\nh3,s3,0.5,yes\n");
        (AuditRows Forgotten, AuditRows Holdout, int Retained)? asked = null;
        // Every row looks alike to the attacks: nothing tells forgotten rows from the others.
        static AuditedRow Row(int label) => new(label, [0.5, 0.5], [[0.5, 0.5], [0.5, 0.5]], 0);
        model.Audit = (f, h, r) =>
        {
            asked = (f, h, r);
            return new AuditPredictions([.. f.Labels.Select(Row)], [.. h.Labels.Select(Row)], [.. Enumerable.Range(0, 5).Select(i => Row(i % 2))]);
        };

        var result = await _cli.RunAsync("verify", "m", "--forgotten", forgotten, "--holdout", holdout, "--retained", "5", "--json");

        Assert.Equal(0, result.ExitCode);
        Assert.Equal(["f1", "f2"], asked!.Value.Forgotten.Subjects);
        Assert.Equal(["s1", "s2", "s3"], asked.Value.Holdout.Subjects);
        Assert.Equal([1, 0], asked.Value.Forgotten.Labels);
        Assert.Equal(5, asked.Value.Retained);
        using var document = System.Text.Json.JsonDocument.Parse(Assert.Single(result.StdoutLines));
        var attacks = document.RootElement.GetProperty("attacks").EnumerateArray().ToArray();
        Assert.Equal(["loss-threshold", "lira-offline"], attacks.Select(a => a.GetProperty("name").GetString()));
        Assert.All(attacks, a => Assert.Equal(0.5, a.GetProperty("forgottenVsHoldoutAuc").GetDouble()));
        Assert.All(attacks, a => Assert.Equal(2, a.GetProperty("ci95").GetArrayLength()));
        Assert.False(string.IsNullOrEmpty(document.RootElement.GetProperty("verdict").GetString()));
    }

    [Fact]
    public async Task Verify_takes_forgotten_and_holdout_together()
    {
        _cli.Model("m", "x");
        var file = _cli.File("f.csv", "id,x,label\nf1,1,yes\n");

        var result = await _cli.RunAsync("verify", "m", "--forgotten", file);

        Assert.Equal(2, result.ExitCode);
        Assert.Contains("--forgotten and --holdout go together", result.ErrorLine);
    }
}
