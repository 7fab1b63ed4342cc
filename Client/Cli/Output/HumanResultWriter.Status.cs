using Spectre.Console;
using Spectre.Console.Rendering;

namespace Unlearning.Cli.Output;

/// <summary>A model's status (once, or watched), certified budgets and verification reports.</summary>
internal sealed partial class HumanResultWriter
{
    public void Status(ModelStatus status)
    {
        console.WriteLine(StatusLine(status));
        console.Write(StatusTable(status));
        if (CertifiedLine(status) is { } certified) console.Profile.Out.Writer.WriteLine(certified);
        foreach (var alert in status.Alerts ?? [])
        {
            console.Profile.Out.Writer.WriteLine($"ALERT: {alert}");
        }
    }

    public async Task WatchStatusAsync(IAsyncEnumerable<ModelStatus> statuses, CancellationToken cancellationToken)
    {
        // Redrawn in place on a terminal; elsewhere (a pipe, a log) each refresh follows the last.
        if (!console.Profile.Capabilities.Interactive || !console.Profile.Out.IsTerminal)
        {
            await foreach (var status in statuses.WithCancellation(cancellationToken))
            {
                Status(status);
                console.WriteLine();
            }

            return;
        }

        await console.Live(new Text("Asking the cluster...")).AutoClear(false).StartAsync(async live =>
        {
            await foreach (var status in statuses.WithCancellation(cancellationToken))
            {
                live.UpdateTarget(StatusView(status, DateTime.Now));
                live.Refresh();
            }
        });
    }

    /// <summary>What --watch shows: the status line, the shards' table and the alerts, and when it was asked.</summary>
    internal static IRenderable StatusView(ModelStatus status, DateTime asked) => new Rows(
    [
        new Text(StatusLine(status)),
        StatusTable(status),
        .. new[] { CertifiedLine(status) }.OfType<string>().Select(line => new Text(line)),
        .. (status.Alerts ?? []).Select(alert => new Text($"ALERT: {alert}")),
        new Text($"Updated {asked:HH:mm:ss}; Ctrl+C stops."),
    ]);

    private static string StatusLine(ModelStatus status) =>
        $"Model '{status.Model}': {Number(status.Records)} records, " +
        (status.Trained ? $"trained, version {status.Version}, predictions use {Number(status.ShardsUsed)} of {Number(status.Shards.Length)} shards."
            : "not trained.");

    /// <summary>A certified model's noise and regularisation, chosen or still to be chosen; null for other models.</summary>
    private static string? CertifiedLine(ModelStatus status)
    {
        if (status.Config?.Certified is not { } certified) return null;
        var line = $"Certified removal: epsilon {Real(certified.Epsilon)}, delta {Real(certified.Delta)}, ";
        return line + (certified.AwaitsCalibration
            ? $"sigma and {(certified.ChooseLambda ? "lambda" : $"lambda {Real(status.Config.Lambda)}")} to be chosen at the first train " +
              $"for {Number(certified.Removals)} removals per shard."
            : $"sigma {Real(certified.Sigma)}, lambda {Real(status.Config.Lambda)}" +
              (certified.Calibration is { } calibration ? $" ({Calibration(certified, calibration)})." : "."));
    }

    private static Table StatusTable(ModelStatus status)
    {
        var excluded = status.Shards.Any(s => s.Exclusion is not null);
        var table = new Table()
            .AddColumn(Column("shard").RightAligned())
            .AddColumn(Column("records").RightAligned())
            .AddColumn(Column("version").RightAligned())
            .AddColumn(Column("state"))
            .AddColumn(Column("silo"));
        if (excluded)
        {
            table.AddColumn(Column("why"));
        }

        foreach (var shard in status.Shards)
        {
            string[] cells = [Number(shard.Index), Number(shard.Records), Number(shard.Version), WireNames.Of(shard.State), shard.Silo];
            table.AddRow(Cells(excluded ? [.. cells, shard.Exclusion ?? ""] : cells));
        }

        return table;
    }

    public void Certification(CertificationStatus certification)
    {
        console.WriteLine($"Certified removal budgets of '{certification.Model}' (epsilon {Real(certification.Epsilon)}, delta {Real(certification.Delta)}" +
            (certification.Sigma > 0 ? $", sigma {Real(certification.Sigma)}, lambda {Real(certification.Lambda)}" : "") +
            (certification.Removals > 0 ? $", calibrated for {Number(certification.Removals)} removals per shard" : "") + "):");
        var table = new Table()
            .AddColumn(Column("shard").RightAligned())
            .AddColumn(Column("spent / budget").RightAligned())
            .AddColumn(Column("left").RightAligned())
            .AddColumn(Column("exact refits").RightAligned())
            .AddColumn(Column("per removal").RightAligned())
            .AddColumn(Column("removals left (est.)").RightAligned());
        foreach (var shard in certification.Shards)
        {
            table.AddRow(Cells(Number(shard.Index), Budget(shard.Budget), shard.Budget is null ? "-" : Score(shard.Budget.Left), Number(shard.Refits),
                shard.StepBound is { } step ? Score(step) : "-", shard.RemovalsLeft is { } left ? Number(left) : "-"));
        }

        console.Write(table);
    }

    public void Verified(VerificationReport report)
    {
        var certified = report.Method == UnlearningMethod.Certified;
        console.WriteLine(certified
            ? $"Model '{report.Model}': {(report.Verified ? "every shard's gradient residual is within its bound" : "a shard's residual exceeds its bound")}."
            : $"Model '{report.Model}': {(report.Verified ? "every shard rebuilt from its stored records has the served bits" : "a shard's rebuild differs from what it serves")}.");
        var table = new Table().AddColumn(Column("shard").RightAligned()).AddColumn(Column("records").RightAligned());
        if (certified) table.AddColumn(Column("residual").RightAligned()).AddColumn(Column("bound").RightAligned());
        table.AddColumn(Column(certified ? "within" : "identical")).AddColumn(Column("digest"));
        foreach (var shard in report.Shards)
        {
            string[] head = [Number(shard.Index), Number(shard.Records)];
            string[] check = certified ? [Score(shard.Residual ?? double.NaN), Score(shard.Bound ?? double.NaN)] : [];
            table.AddRow(Cells([.. head, .. check, shard.Verified ? "yes" : "NO", shard.Digest ?? "-"]));
        }

        console.Write(table);
    }
}
