using Unlearning.Cli;

namespace Unlearning.Tests.Cli;

/// <summary>forget's compliance options, delete and forget-status against a fake cluster: what is refused before sending, and the output.</summary>
public sealed class CliComplianceTests : IDisposable
{
    private readonly CliHarness _cli = new();

    public void Dispose() => _cli.Dispose();

    [Theory]
    [InlineData("give a MODEL, or --all-models to forget from every model", "forget", "--subject", "P1")]
    [InlineData("give a MODEL or --all-models, not both", "forget", "m", "--all-models", "--subject", "P1")]
    [InlineData("give --subject SUBJECT or --subjects-file FILE", "forget", "m")]
    [InlineData("give --subject or --subjects-file, not both", "forget", "m", "--subject", "P1", "--subjects-file", "f.txt")]
    [InlineData("--request-id must have 1-100 letters, digits, '-', '_', '.' or ':', not 'a b'", "forget", "m", "--subject", "P1", "--request-id", "a b")]
    [InlineData("--dry-run estimates one --subject on one MODEL, without --request-id", "forget", "--all-models", "--subject", "P1", "--dry-run", "--probe", "p.csv")]
    [InlineData("give a REQUEST-ID, or --overdue", "forget-status")]
    [InlineData("give a REQUEST-ID or --overdue, not both", "forget-status", "r1", "--overdue")]
    public async Task Bad_combinations_are_usage_errors_that_send_nothing(string error, params string[] args)
    {
        var model = _cli.Model("m", "x");

        var result = await _cli.RunAsync(args);

        Assert.Equal(ExitCodes.Usage, result.ExitCode);
        Assert.Equal($"error: {error} (see --help)", result.ErrorLine);
        Assert.Empty(model.Forgotten);
    }

    [Fact]
    public async Task A_subjects_file_prints_one_receipt_per_line_under_one_request_id()
    {
        var model = _cli.Model("m", "x");
        var file = _cli.File("subjects.txt", "P1\n\n  P2  \nP3\n");

        var result = await _cli.RunAsync("forget", "m", "--subjects-file", file, "--request-id", "erasure-9", "--json");

        Assert.Equal(0, result.ExitCode);
        Assert.Equal(["P1", "P2", "P3"], model.Forgotten);
        Assert.Equal(3, result.StdoutLines.Length);
        Assert.All(result.StdoutLines, line => Assert.Contains("\"requestId\":\"erasure-9\"", line));
        Assert.Contains("\"subject\":\"P2\"", result.StdoutLines[1]);
    }

    [Fact]
    public async Task A_subjects_file_with_a_bad_line_forgets_nothing_and_names_the_line_not_the_subject()
    {
        var model = _cli.Model("m", "x");
        var file = _cli.File("subjects.txt", "P1\n" + new string('z', ModelLimits.MaxIdLength + 1) + "\n");

        var result = await _cli.RunAsync("forget", "m", "--subjects-file", file);

        Assert.Equal(ExitCodes.Failure, result.ExitCode);
        Assert.Equal($"error: file '{file}' line 2: a subject must have at most {ModelLimits.MaxIdLength} characters", result.ErrorLine);
        Assert.DoesNotContain("zzz", result.Stderr);
        Assert.Empty(model.Forgotten);
    }

    [Fact]
    public async Task An_empty_subjects_file_is_refused()
    {
        _cli.Model("m", "x");
        var file = _cli.File("subjects.txt", "\n \n");

        var result = await _cli.RunAsync("forget", "m", "--subjects-file", file);

        Assert.Equal(ExitCodes.Failure, result.ExitCode);
        Assert.Equal($"error: file '{file}' holds no subject (one per line)", result.ErrorLine);
    }

    [Fact]
    public async Task Delete_answers_what_it_removed_and_the_model_is_then_unknown()
    {
        var model = _cli.Model("m", "x");

        var result = await _cli.RunAsync("delete", "m", "--json");

        Assert.Equal(0, result.ExitCode);
        Assert.Equal("""{"model":"m","deleted":true,"records":0,"shards":8}""", Assert.Single(result.StdoutLines));
        Assert.Null(model.Config);
        var again = await _cli.RunAsync("delete", "m");
        Assert.Equal("error: unknown model 'm': it does not exist (or was deleted)", again.ErrorLine);
    }
}
