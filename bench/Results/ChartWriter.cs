using ScottPlot;

namespace Unlearning.Bench.Results;

/// <summary>Renders a <see cref="ChartSpec"/> to PNG with ScottPlot. Log axes plot log10 of the data with decade ticks.</summary>
public static class ChartWriter
{
    public const int Width = 1000;
    public const int Height = 560;

    public static void Save(ChartSpec spec, string path)
    {
        var plot = new Plot();
        var palette = new ScottPlot.Palettes.Category10();
        if (spec.Kind == ChartKind.Bars) AddBars(plot, spec, palette);
        else AddLines(plot, spec, palette);

        foreach (var line in spec.HorizontalLines)
        {
            var h = plot.Add.HorizontalLine(spec.LogY ? Math.Log10(line.Position) : line.Position);
            h.LinePattern = LinePattern.Dashed;
            h.Color = Colors.Black;
            h.LegendText = line.Label;
        }
        foreach (var line in spec.VerticalLines)
        {
            var v = plot.Add.VerticalLine(spec.LogX ? Math.Log10(line.Position) : line.Position);
            v.LinePattern = LinePattern.Dotted;
            v.Color = Colors.Gray;
            v.LineWidth = 1;
            if (line.Label.Length > 0) v.LegendText = line.Label;
        }

        // Auto-scaling sees the data only: a target line above every bar would fall outside the plot.
        if (spec.HorizontalLines.Count > 0)
        {
            plot.Axes.AutoScale();
            var limits = plot.Axes.GetLimits();
            var top = spec.HorizontalLines.Max(line => spec.LogY ? Math.Log10(line.Position) : line.Position);
            if (top >= limits.Top) plot.Axes.SetLimitsY(limits.Bottom, top + 0.08 * (top - limits.Bottom));
        }

        plot.Title(spec.Title);
        plot.XLabel(spec.XLabel);
        plot.YLabel(spec.YLabel);
        if (spec.LogY) plot.Axes.Left.TickGenerator = LogTicks();
        if (spec.LogX && spec.Kind != ChartKind.Bars) plot.Axes.Bottom.TickGenerator = LogTicks();
        plot.ShowLegend(Alignment.UpperLeft);
        plot.SavePng(path, Width, Height);
    }

    private static void AddBars(Plot plot, ChartSpec spec, IPalette palette)
    {
        var categories = spec.Categories ?? throw new ArgumentException($"bar chart {spec.Name} has no categories");
        var groupWidth = spec.Series.Count + 1;
        var bars = new List<Bar>();
        // Log bars grow from the decade below the smallest value.
        var positive = spec.Series.SelectMany(s => s.Y).Where(y => y > 0 && !double.IsNaN(y)).DefaultIfEmpty(1).ToArray();
        var logBase = Math.Floor(Math.Log10(positive.Min()));
        for (var s = 0; s < spec.Series.Count; s++)
        {
            var color = palette.GetColor(s);
            for (var c = 0; c < categories.Length; c++)
            {
                var y = spec.Series[s].Y[c];
                if (double.IsNaN(y) || (spec.LogY && y <= 0)) continue;
                bars.Add(new Bar
                {
                    Position = c * groupWidth + s,
                    Value = spec.LogY ? Math.Log10(y) : y,
                    ValueBase = spec.LogY ? logBase : 0,
                    FillColor = color,
                });
            }
            plot.Legend.ManualItems.Add(new LegendItem { LabelText = spec.Series[s].Name, FillColor = color });
        }
        plot.Add.Bars(bars);
        var positions = categories.Select((_, c) => c * groupWidth + (spec.Series.Count - 1) / 2.0).ToArray();
        // "store, data set" categories go on two lines, so neighbouring labels do not run into each other.
        plot.Axes.Bottom.TickGenerator = new ScottPlot.TickGenerators.NumericManual(positions, [.. categories.Select(c => c.Replace(", ", "\n"))]);
        plot.Axes.Margins(bottom: 0);
    }

    private static void AddLines(Plot plot, ChartSpec spec, IPalette palette)
    {
        for (var s = 0; s < spec.Series.Count; s++)
        {
            var series = spec.Series[s];
            var xs = series.X.Select(x => spec.LogX ? Math.Log10(x) : x).ToArray();
            var ys = series.Y.Select(y => spec.LogY ? Math.Log10(y) : y).ToArray();
            var scatter = plot.Add.Scatter(xs, ys, palette.GetColor(s));
            scatter.LegendText = series.Name;
            scatter.MarkerSize = spec.Kind == ChartKind.Points ? 3 : 7;
            scatter.LineWidth = spec.Kind == ChartKind.Points ? 0 : 2;
        }
    }

    private static ScottPlot.TickGenerators.NumericAutomatic LogTicks() => new()
    {
        MinorTickGenerator = new ScottPlot.TickGenerators.LogMinorTickGenerator(),
        IntegerTicksOnly = true,
        LabelFormatter = value => Format.Significant(Math.Pow(10, value)),
    };
}
