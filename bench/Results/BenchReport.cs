using System.Text.Json.Serialization;

namespace Unlearning.Bench.Results;

[JsonConverter(typeof(JsonStringEnumConverter<Verdict>))]
public enum Verdict
{
    /// <summary>Meets the target.</summary>
    Pass,
    /// <summary>Misses the target.</summary>
    Miss,
    /// <summary>A figure without a target of its own (context for the rows that have one).</summary>
    Info,
    /// <summary>The thing measured cannot run here (see <see cref="ResultRow.Unavailable"/>); no figure is given.</summary>
    NotAvailable,
    /// <summary>Not run in this mode or without its data.</summary>
    Skipped,
}

/// <summary>One printed line: a figure, its target, the peer it is compared with, the ratio, and the verdict.</summary>
public sealed record ResultRow
{
    public required string Case { get; init; }
    public required string Metric { get; init; }
    public double? Value { get; init; }
    public string Unit { get; init; } = "";
    public string Target { get; init; } = "-";
    public string? PeerName { get; init; }
    public double? PeerValue { get; init; }
    public double? Ratio { get; init; }
    /// <summary>"x" (times), "%" (share of the peer) or "pts" (difference in accuracy points).</summary>
    public string RatioUnit { get; init; } = "x";
    public Verdict Verdict { get; init; } = Verdict.Info;
    public string? Note { get; init; }
    /// <summary>With <see cref="Verdict.NotAvailable"/>: why there is no figure, shown in its place.</summary>
    public string? Unavailable { get; init; }
    /// <summary>The measured runs the figure is the median of (after warm-up).</summary>
    public double[]? Samples { get; init; }
}

public enum ChartKind
{
    /// <summary>Grouped bars: one group per category, one bar per series.</summary>
    Bars,
    /// <summary>Lines with markers over numeric x.</summary>
    Lines,
    /// <summary>Markers only over numeric x.</summary>
    Points,
}

public sealed record ChartSeries(string Name, double[] X, double[] Y);

public sealed record ChartLine(double Position, string Label);

public sealed record ChartSpec
{
    public required string Name { get; init; }
    public required string Title { get; init; }
    public ChartKind Kind { get; init; } = ChartKind.Lines;
    public string XLabel { get; init; } = "";
    public string YLabel { get; init; } = "";
    public bool LogX { get; init; }
    public bool LogY { get; init; }
    /// <summary>For bars: the group labels; each series' Y is aligned with them.</summary>
    public string[]? Categories { get; init; }
    public List<ChartSeries> Series { get; init; } = [];
    public List<ChartLine> HorizontalLines { get; init; } = [];
    public List<ChartLine> VerticalLines { get; init; } = [];
}

public sealed class ScenarioResult
{
    public required string Id { get; init; }
    public required string Title { get; init; }
    public required string Description { get; init; }
    public List<ResultRow> Rows { get; } = [];
    public List<string> Notes { get; } = [];
    public List<ChartSpec> Charts { get; } = [];
    public List<string> ChartFiles { get; } = [];
    public double ElapsedSeconds { get; set; }
    public string? Error { get; set; }
}

public sealed class BenchReport
{
    public required string Command { get; init; }
    public required string Mode { get; init; }
    public required DateTimeOffset StartedUtc { get; init; }
    public required IReadOnlyList<KeyValuePair<string, string>> Machine { get; init; }
    public required IReadOnlyList<KeyValuePair<string, string>> Settings { get; init; }
    public List<ScenarioResult> Scenarios { get; } = [];
    public double ElapsedSeconds { get; set; }
}
