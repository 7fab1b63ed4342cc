using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace Unlearning.Bench.Results;

public static class MarkdownReport
{
    public static string Render(BenchReport report)
    {
        var md = new StringBuilder();
        md.AppendLine("# Benchmark results");
        md.AppendLine();
        md.AppendLine($"Written by `{report.Command}` ({report.Mode} mode) on {report.StartedUtc:yyyy-MM-dd HH:mm} UTC, " +
                      $"in {report.ElapsedSeconds:0} s. Every figure below comes from that one run; peers ran in the same process " +
                      "on the same data, so compare the ratios, not the absolute figures, across machines.");
        md.AppendLine();
        md.AppendLine("## Machine and settings");
        md.AppendLine("| | |");
        md.AppendLine("| --- | --- |");
        foreach (var (key, value) in report.Machine.Concat(report.Settings)) md.AppendLine($"| {Cell(key)} | {Cell(value)} |");
        md.AppendLine();

        md.AppendLine("## Summary: rows with a target");
        md.AppendLine("| scenario | case | metric | figure | target | peer | ratio | verdict |");
        md.AppendLine("| --- | --- | --- | --- | --- | --- | --- | --- |");
        foreach (var scenario in report.Scenarios)
        {
            foreach (var row in scenario.Rows.Where(r => r.Verdict is Verdict.Pass or Verdict.Miss or Verdict.NotAvailable))
                md.AppendLine($"| {scenario.Id} | {RowCells(row)} |");
            if (scenario.Error is not null) md.AppendLine($"| {scenario.Id} | scenario failed | | | | | | ERROR |");
        }
        md.AppendLine();

        foreach (var scenario in report.Scenarios)
        {
            md.AppendLine($"## {scenario.Title}");
            md.AppendLine();
            md.AppendLine(scenario.Description);
            md.AppendLine();
            if (scenario.Error is not null)
            {
                md.AppendLine($"**The scenario failed:** `{Cell(scenario.Error)}`");
                md.AppendLine();
            }
            if (scenario.Rows.Count > 0)
            {
                md.AppendLine("| case | metric | figure | target | peer | ratio | verdict |");
                md.AppendLine("| --- | --- | --- | --- | --- | --- | --- |");
                foreach (var row in scenario.Rows) md.AppendLine($"| {RowCells(row)} |");
                md.AppendLine();
            }
            var notes = scenario.Rows.Where(r => r.Note is { Length: > 0 }).Select(r => $"{r.Case}, {r.Metric}: {r.Note}")
                .Concat(scenario.Notes).ToArray();
            foreach (var note in notes) md.AppendLine($"- {note}");
            if (notes.Length > 0) md.AppendLine();
            foreach (var file in scenario.ChartFiles) md.AppendLine($"![{scenario.Title}]({file})");
            if (scenario.ChartFiles.Count > 0) md.AppendLine();
            md.AppendLine($"_Scenario time: {scenario.ElapsedSeconds:0.0} s._");
            md.AppendLine();
        }
        return md.ToString();
    }

    private static string RowCells(ResultRow row) => string.Join(" | ",
        Cell(row.Case), Cell(row.Metric), Cell(Format.Figure(row)), Cell(row.Target), Cell(Format.Peer(row)),
        Cell(Format.Ratio(row.Ratio, row.RatioUnit)), VerdictCell(row.Verdict));

    private static string VerdictCell(Verdict verdict) => verdict switch
    {
        Results.Verdict.Pass => "**PASS**",
        Results.Verdict.Miss => "**MISS**",
        _ => Format.Verdict(verdict),
    };

    private static string Cell(string text) => text.Replace("|", "\\|").Replace("\r", " ").Replace("\n", " ");
}

public static class JsonReport
{
    private static readonly JsonSerializerOptions Options = new()
    {
        WriteIndented = true,
        PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
        NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals,
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
        Converters = { new JsonStringEnumConverter() },
    };

    public static string Render(BenchReport report) => JsonSerializer.Serialize(report, Options);
}
