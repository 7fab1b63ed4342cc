using System.Text;

namespace Unlearning.Tests.Cli;

/// <summary>What the commands do with bad and unusual input files, read as they go.</summary>
public sealed class CliCsvTests : IDisposable
{
    private readonly CliHarness _cli = new();

    public void Dispose() => _cli.Dispose();

    /// <summary><see cref="CliHarness.Rows"/> with row <paramref name="bad"/> (0-based, on line bad + 2) replaced.</summary>
    private string RowsWith(string name, int rows, int bad, string replacement)
    {
        var path = _cli.Rows(name, rows);
        var lines = File.ReadAllLines(path);
        lines[bad + 1] = replacement;
        File.WriteAllLines(path, lines);
        return path;
    }

    [Fact]
    public async Task A_bad_row_aborts_the_ingest_and_nothing_of_the_file_joins_the_model()
    {
        var model = _cli.Model("m", "x", "y");
        var file = RowsWith("rows.csv", 25_000, 20_500, "r20500,1,oops,yes");

        var result = await _cli.RunAsync("ingest", "m", file, "--json");

        Assert.Equal(1, result.ExitCode);
        Assert.Equal($"error: {file} line 20502, column 'x': 'oops' is not a number; nothing was ingested", result.ErrorLine);
        // Two batches were staged, then the ingest was aborted: none was committed.
        Assert.Empty(model.IngestBatches);
        Assert.Empty(model.Staged);
        Assert.Single(model.Aborted);
        Assert.Equal("", result.Stdout);
    }

    [Fact]
    public async Task Ingest_refuses_an_id_repeated_in_a_later_batch()
    {
        var model = _cli.Model("m", "x", "y");
        var file = RowsWith("rows.csv", 25_000, 15_000, "r5,1,2,yes");

        var result = await _cli.RunAsync("ingest", "m", file);

        Assert.Equal($"error: {file} line 15002, column 'id': duplicate id 'r5', first on line 7; nothing was ingested",
            result.ErrorLine);
        Assert.Empty(model.IngestBatches);
        Assert.Single(model.Aborted);
    }

    [Fact]
    public async Task Ingest_refuses_an_empty_subject_cell()
    {
        var model = _cli.Model("m", "x");
        var file = _cli.File("rows.csv", "id,subject,x,label\nr1,P1,1,yes\nr2,,2,no\n");

        var result = await _cli.RunAsync("ingest", "m", file);

        Assert.Equal($"error: {file} line 3, column 'subject': empty subject; nothing was ingested", result.ErrorLine);
        Assert.Empty(model.IngestBatches);
    }

    [Fact]
    public async Task Ingest_refuses_an_id_longer_than_the_cluster_takes()
    {
        var model = _cli.Model("m", "x");
        var file = _cli.File("rows.csv", $"id,x,label\nr1,1,yes\n{new string('i', 300)},2,no\n");

        var result = await _cli.RunAsync("ingest", "m", file);

        Assert.Equal($"error: {file} line 3, column 'id': '{new string('i', 64)}...' (300 characters) is longer than 256 characters, " +
            "the most an id or subject may have; nothing was ingested", result.ErrorLine);
        Assert.Empty(model.IngestBatches);
    }

    [Fact]
    public async Task Ingest_reads_a_crlf_file_with_a_byte_order_mark()
    {
        var model = _cli.Model("m", "x", "y");
        var file = _cli.File("rows.csv", "");
        File.WriteAllText(file, "id,subject,y,x,label\r\nr1,P1,2,1,yes\r\n\r\nr2,\"P\r\n2\",4,3,no\r\n", new UTF8Encoding(true));

        var result = await _cli.RunAsync("ingest", "m", file, "--json");

        Assert.Equal(0, result.ExitCode);
        var records = Assert.Single(model.IngestBatches);
        Assert.Equal([("r1", "P1", 1.0, 2.0, 1), ("r2", "P\n2", 3.0, 4.0, 0)],
            records.Select(r => (r.Id, r.Subject, r.Features[0], r.Features[1], r.Label)));
    }

    [Theory]
    [InlineData("predict", "Inf")]
    [InlineData("predict", "-Infinity")]
    [InlineData("evaluate", "NaN")]
    [InlineData("explain", "1e400")]
    public async Task Non_finite_values_are_refused_by_every_command(string command, string value)
    {
        _cli.Model("m", "x");
        var file = _cli.File("rows.csv", $"id,x,label\nr1,1,yes\nr2,{value},no\n");

        var result = await _cli.RunAsync(command, "m", file, "--json");

        Assert.Equal(1, result.ExitCode);
        Assert.Equal($"error: {file} line 3, column 'x': '{value}' is not a finite number (NaN and infinity are rejected)", result.ErrorLine);
    }

    [Fact]
    public async Task A_long_field_fails_with_a_short_error_unless_the_limit_is_raised()
    {
        var model = _cli.Model("m", "x");
        var id = new string('a', 5_000);
        var file = _cli.File("rows.csv", $"id,x\n{id},1\n");

        var refused = await _cli.RunAsync("predict", "m", file, "--json");
        var raised = await _cli.RunAsync("predict", "m", file, "--json", "--max-field-length", "5000");

        Assert.Equal($"error: {file} line 2: a field is longer than 4,096 characters (raise --max-field-length)", refused.ErrorLine);
        Assert.Equal(0, raised.ExitCode);
        Assert.Contains(id, Assert.Single(raised.StdoutLines));
    }

    [Fact]
    public async Task A_long_record_fails_naming_the_line_length_option()
    {
        _cli.Model("m", "x");
        var file = _cli.File("rows.csv", $"id,x,label\nr1,1,{new string('l', 2_000)}\n");

        var result = await _cli.RunAsync("evaluate", "m", file, "--max-line-length", "1000");

        Assert.Equal($"error: {file} line 2: the record is longer than 1,000 characters (raise --max-line-length)", result.ErrorLine);
    }

    [Fact]
    public async Task A_header_beyond_the_limits_fails_before_connecting()
    {
        var file = _cli.File("schema.csv", $"id,{new string('x', 5_000)},label\nr1,1,a\n");

        var result = await _cli.RunAsync("create", "m", "--schema", file);

        Assert.Equal($"error: {file} line 1: a field is longer than 4,096 characters (raise --max-field-length)", result.ErrorLine);
        Assert.Empty(result.Gateways);
    }

    [Theory]
    [InlineData("--max-field-length", "0")]
    [InlineData("--max-line-length", "-1")]
    [InlineData("--max-line-length", "268435457")]
    [InlineData("--max-field-length", "many")]
    public async Task Limits_are_validated_before_connecting(string option, string value)
    {
        var file = _cli.File("rows.csv", "id,x\nr1,1\n");

        var result = await _cli.RunAsync("predict", "m", file, option, value);

        Assert.Equal(2, result.ExitCode);
        Assert.Equal($"error: {option} must be an integer from 1 to 268435456, not '{value}' (see --help)", result.ErrorLine);
        Assert.Empty(result.Gateways);
    }

    [Theory]
    [InlineData("create")]
    [InlineData("ingest")]
    [InlineData("predict")]
    [InlineData("evaluate")]
    [InlineData("explain")]
    [InlineData("forget")]
    public async Task Every_command_that_reads_a_file_takes_the_limits(string command)
    {
        var result = await _cli.RunAsync(command, "--help");

        Assert.Contains("--max-field-length", result.Stdout);
        Assert.Contains("--max-line-length", result.Stdout);
    }

    [Fact]
    public async Task Ingest_help_says_what_a_bad_row_leaves_behind()
    {
        var result = await _cli.RunAsync("ingest", "--help");

        Assert.Contains("all or nothing", result.Stdout);
        Assert.Contains("leaves the model as it was", result.Stdout.ReplaceLineEndings(" "));
    }

    [Fact]
    public async Task Create_streams_a_schema_file_of_many_batches()
    {
        var schema = _cli.Rows("schema.csv", 45_000);

        var result = await _cli.RunAsync("create", "m", "--schema", schema, "--unlearning", "certified", "--epsilon", "1", "--delta", "0.01");

        Assert.Equal(0, result.ExitCode);
        var config = _cli.Fake.Cluster.Models["m"].Config!;
        Assert.Equal(["y", "x"], config.FeatureNames);
        Assert.Equal(["no", "yes"], config.Labels);
        var xs = Enumerable.Range(0, 45_000).Select(i => (double)(i - 22_500)).ToArray();
        var mean = xs.Average();
        Assert.Equal([1.0, mean], config.Certified!.FeatureCentres!);
        Assert.Equal(Math.Sqrt(xs.Sum(x => (x - mean) * (x - mean)) / xs.Length), config.Certified.FeatureScales![1], 1e-9);
    }

    [Fact]
    public async Task Dry_run_refuses_a_probe_of_more_than_a_hundred_thousand_rows()
    {
        var model = _cli.Model("m", "x", "y");
        var probe = _cli.Rows("probe.csv", 100_001);

        var result = await _cli.RunAsync("forget", "m", "--subject", "S1", "--dry-run", "--probe", probe, "--json");

        Assert.Equal(1, result.ExitCode);
        Assert.Equal($"error: {probe} line 100002: a probe may have at most 100,000 rows " +
            "(a dry run prints every row's estimate in one document); use a sample", result.ErrorLine);
        Assert.Equal("", result.Stdout);
        Assert.Empty(model.Forgotten);
    }

    [Fact]
    public async Task Predict_for_people_turns_to_tab_separated_lines_past_a_thousand_rows()
    {
        _cli.Model("m", "x", "y");
        var file = _cli.Rows("rows.csv", 1_001);

        var result = await _cli.RunAsync("predict", "m", file);

        Assert.Equal(0, result.ExitCode);
        var lines = result.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(1_002, lines.Length);
        Assert.Equal("id\tlabel\tP(no)\tP(yes)", lines[0]);
        var expected = FakeModelGrain.PredictRow([-500, 1]);
        Assert.Equal($"r0\tno\t{expected.Probabilities[0]:F4}\t{expected.Probabilities[1]:F4}", lines[1]);
        Assert.StartsWith("r1000\tyes\t", lines[^1]);
    }
}
