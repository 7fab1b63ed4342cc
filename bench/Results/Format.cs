using System.Globalization;

namespace Unlearning.Bench.Results;

/// <summary>How figures are printed: a unit-aware short form, the same in the console and in Markdown.</summary>
public static class Format
{
    private static readonly CultureInfo Invariant = CultureInfo.InvariantCulture;

    public static string Value(double? value, string unit)
    {
        if (value is not { } v || double.IsNaN(v)) return "-";
        return unit switch
        {
            "ms" => Milliseconds(v),
            "s" => $"{Significant(v)} s",
            "acc" => $"{(v * 100).ToString("0.00", Invariant)}%",
            "count" => v.ToString("#,0", Invariant),
            "slope" => v.ToString("0.00", Invariant),
            "auc" => v.ToString("0.000", Invariant),
            "" => Significant(v),
            _ when unit.EndsWith("/s", StringComparison.Ordinal) => $"{Rate(v)} {unit}",
            _ => $"{Significant(v)} {unit}",
        };
    }

    public static string Milliseconds(double ms) =>
        ms >= 10_000 ? $"{(ms / 1000).ToString("0.0", Invariant)} s"
        : ms >= 100 ? $"{ms.ToString("0", Invariant)} ms"
        : ms >= 10 ? $"{ms.ToString("0.0", Invariant)} ms"
        : $"{ms.ToString("0.00", Invariant)} ms";

    public static string Rate(double v) =>
        v >= 1e6 ? $"{(v / 1e6).ToString("0.00", Invariant)}M"
        : v >= 1e4 ? $"{(v / 1e3).ToString("0.0", Invariant)}k"
        : v.ToString("#,0", Invariant);

    public static string Significant(double v) =>
        Math.Abs(v) >= 100 ? v.ToString("#,0", Invariant)
        : Math.Abs(v) >= 10 ? v.ToString("0.0", Invariant)
        : v.ToString("0.00", Invariant);

    public static string Ratio(double? ratio, string unit)
    {
        if (ratio is not { } r || double.IsNaN(r)) return "-";
        return unit switch
        {
            "%" => $"{(r * 100).ToString("0", Invariant)}%",
            "pts" => $"{(r * 100).ToString("+0.00;-0.00;0.00", Invariant)} pts",
            "auc" => $"{r.ToString("+0.000;-0.000;0.000", Invariant)} AUC",
            _ => $"{Significant(r)}x",
        };
    }

    public static string Peer(ResultRow row) =>
        row.PeerName is null ? "-"
        : row.PeerValue is null ? row.PeerName
        : $"{row.PeerName}: {Value(row.PeerValue, row.Unit)}";

    public static string Verdict(Verdict verdict) => verdict switch
    {
        Results.Verdict.Pass => "PASS",
        Results.Verdict.Miss => "MISS",
        Results.Verdict.Info => "info",
        Results.Verdict.NotAvailable => "n/a",
        Results.Verdict.Skipped => "skipped",
        _ => verdict.ToString(),
    };

    public static string Figure(ResultRow row) =>
        row.Verdict == Results.Verdict.NotAvailable ? row.Unavailable is { Length: > 0 } why ? $"not available: {why}" : "not available"
        : row.Verdict == Results.Verdict.Skipped && row.Value is null ? "skipped"
        : Value(row.Value, row.Unit);
}
