namespace Unlearning.Bench.Results;

/// <summary>Prints rows as they are measured, in fixed-width columns.</summary>
public static class ConsoleTable
{
    private static readonly int[] Widths = [36, 34, 16, 36, 38, 11, 7];

    public static void Header(ScenarioResult scenario)
    {
        Console.WriteLine();
        Console.WriteLine($"== {scenario.Title} ==");
        Console.WriteLine(Line(["case", "metric", "figure", "target", "peer", "ratio", "verdict"]));
        Console.WriteLine(new string('-', Widths.Sum() + 2 * (Widths.Length - 1)));
    }

    public static void Row(ResultRow row)
    {
        Console.WriteLine(Line([row.Case, row.Metric, Format.Figure(row), row.Target, Format.Peer(row),
            Format.Ratio(row.Ratio, row.RatioUnit), Format.Verdict(row.Verdict)]));
        if (row.Note is { Length: > 0 } note) Console.WriteLine($"    note: {note}");
    }

    public static void Note(string note) => Console.WriteLine($"  * {note}");

    private static string Line(string[] cells) =>
        string.Join("  ", cells.Select((cell, i) => i == cells.Length - 1 ? cell : Fit(cell, Widths[i])));

    private static string Fit(string text, int width) =>
        text.Length <= width ? text.PadRight(width) : text[..(width - 1)] + "~";
}
