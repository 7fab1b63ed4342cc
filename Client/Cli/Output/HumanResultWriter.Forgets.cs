using System.Globalization;
using Spectre.Console;
using Unlearning.Client.Json;

namespace Unlearning.Cli.Output;

/// <summary>Forgets and what a privacy office asks: receipts, requests, overdue requests, models, deletes, dry runs.</summary>
internal sealed partial class HumanResultWriter
{
    public void Forgot(ForgetReceipt receipt)
    {
        console.WriteLine($"Forgot subject '{receipt.Subject}' in model '{receipt.Model}'.");
        List<(string Name, string Value)> settings =
        [
            ("request", receipt.RequestId),
            ("shard", Number(receipt.Shard)),
            ("records removed", Number(receipt.RecordsRemoved)),
            ("slices retrained", Number(receipt.SlicesRetrained)),
            ("version", $"{receipt.VersionBefore} -> {receipt.VersionAfter}"),
            ("method", WireNames.Of(receipt.Method)),
            ("shards used", Number(receipt.ShardsUsed)),
        ];

        settings.Add(("elapsed", $"{Number(receipt.ElapsedMs)} ms"));
        if (receipt.KeyId is not null) settings.Add(("signed", $"by key {receipt.KeyId} at {ReceiptDocument.Timestamp(receipt.IssuedAt!.Value)} (--json prints the signed receipt)"));
        console.Write(Settings([.. settings]));
    }

    public void ForgotEverywhere(string requestId, string subject, IReadOnlyList<ForgetReceipt> receipts)
    {
        console.WriteLine(receipts.Count == 0
            ? $"No model holds subject '{subject}' (request {requestId})."
            : $"Forgot subject '{subject}' in {Number(receipts.Count)} models (request {requestId}).");
        if (receipts.Count > 0) console.Write(ReceiptTable(receipts, withSubject: false));
    }

    public void ForgotInBatch(IReadOnlyList<ForgetReceipt> receipts)
    {
        var writer = console.Profile.Out.Writer;
        foreach (var r in receipts)
        {
            writer.WriteLine($"{r.Subject}\t{r.Model}\tshard {r.Shard}\t{Number(r.RecordsRemoved)} records removed\t{WireNames.Of(r.Method)}\trequest {r.RequestId}");
        }

        writer.Flush();
    }

    public void RequestStatus(ForgetRequestStatus status)
    {
        console.WriteLine($"Forget request '{status.RequestId}': {WireNames.Of(status.State)}, {Number(status.Subjects)} subjects, " +
            $"from {(status.Model is null ? "every model holding them" : $"model '{status.Model}'")}.");
        List<(string Name, string Value)> settings = [("accepted", Time(status.Accepted))];
        if (status.Completed is { } completed) settings.Add(("completed", Time(completed)));
        if (status.Error is { } error) settings.Add(("error", error));
        settings.Add(("receipts", Number(status.Receipts.Length)));
        settings.Add(("records removed", Number(status.Receipts.Sum(r => (long)r.RecordsRemoved))));
        console.Write(Settings([.. settings]));
        if (status.Receipts.Length > 0) console.Write(ReceiptTable(status.Receipts, withSubject: false));
    }

    public void Overdue(IReadOnlyList<OverdueRequest> requests)
    {
        if (requests.Count == 0)
        {
            console.WriteLine("No forget request is past its deadline.");
            return;
        }

        console.WriteLine($"{Number(requests.Count)} forget requests are past their deadline and not completed:");
        var table = new Table().AddColumn(Column("request")).AddColumn(Column("state")).AddColumn(Column("model"))
            .AddColumn(Column("accepted")).AddColumn(Column("due")).AddColumn(Column("subjects").RightAligned()).AddColumn(Column("error"));
        foreach (var r in requests)
        {
            table.AddRow(Cells(r.RequestId, WireNames.Of(r.State), r.Model ?? "(every model)", Time(r.Accepted), Time(r.Due), Number(r.Subjects), r.Error ?? ""));
        }

        console.Write(table);
    }

    public void Models(IReadOnlyList<ModelSummary> models)
    {
        if (models.Count == 0)
        {
            console.WriteLine("No models.");
            return;
        }

        var table = new Table().AddColumn(Column("model")).AddColumn(Column("method")).AddColumn(Column("shards").RightAligned())
            .AddColumn(Column("records").RightAligned()).AddColumn(Column("version").RightAligned()).AddColumn(Column("created"));
        foreach (var m in models)
        {
            table.AddRow(Cells(m.Model, WireNames.Of(m.Method), Number(m.Shards), m.Records is { } records ? Number(records) : "?",
                m.Version is { } version ? Number(version) : "?", m.Created is { } created ? Time(created) : "-"));
        }

        console.Write(table);
    }

    public void Deleted(DeleteResult result) =>
        console.WriteLine($"Deleted model '{result.Model}' with its {Number(result.Records)} records in {Number(result.Shards)} shards, from every store.");

    private static Table ReceiptTable(IReadOnlyList<ForgetReceipt> receipts, bool withSubject)
    {
        var table = new Table();
        if (withSubject) table.AddColumn(Column("subject"));
        table.AddColumn(Column("model")).AddColumn(Column("shard").RightAligned()).AddColumn(Column("records removed").RightAligned())
            .AddColumn(Column("version")).AddColumn(Column("method"));
        foreach (var r in receipts)
        {
            string[] cells = [r.Model, Number(r.Shard), Number(r.RecordsRemoved), $"{r.VersionBefore} -> {r.VersionAfter}", WireNames.Of(r.Method)];
            table.AddRow(Cells(withSubject ? [r.Subject, .. cells] : cells));
        }

        return table;
    }

    private static string Time(DateTimeOffset time) => time.UtcDateTime.ToString("yyyy-MM-dd HH:mm:ss 'UTC'", CultureInfo.InvariantCulture);

    public void EstimatedForget(ModelConfig config, IReadOnlyList<string> ids, ForgetEstimate estimate)
    {
        var rows = Enumerable.Range(0, ids.Count)
            .Select(i => (Index: i, Change: ProbabilityChange.Row(estimate.Before[i], estimate.After[i])))
            .ToArray();
        var flipped = rows.Where(r => estimate.Before[r.Index].Label != estimate.After[r.Index].Label).ToArray();
        console.WriteLine($"Dry run, nothing changed: forgetting subject '{estimate.Subject}' in model '{estimate.Model}' " +
            $"would remove {Number(estimate.RecordsAffected)} records from shard {estimate.Shard} " +
            $"(version {estimate.Version}, {WireNames.Of(estimate.Method)} estimate).");
        console.WriteLine($"Mean absolute change of probabilities: {Score(ProbabilityChange.Mean(estimate))} " +
            $"over {Number(ids.Count)} probe rows; {Number(flipped.Length)} would change label.");

        var listed = flipped.Length > 0 ? flipped : rows;
        var shown = listed.OrderByDescending(r => r.Change).ThenBy(r => r.Index).Take(EstimatedRowsShown).ToArray();
        var which = flipped.Length > 0 ? "Rows whose label would change" : "Rows";
        console.WriteLine(shown.Length < listed.Length
            ? $"{which}, the {shown.Length} that change most (--json lists all):"
            : $"{which}, by change:");

        var table = new Table()
            .AddColumn(Column("id"))
            .AddColumn(Column("label"))
            .AddColumn(Column("estimated"))
            .AddColumn(Column("change").RightAligned());
        foreach (var label in config.Labels)
        {
            table.AddColumn(Column($"P({label})").RightAligned());
        }

        foreach (var (index, change) in shown)
        {
            var (before, after) = (estimate.Before[index], estimate.After[index]);
            table.AddRow([
                new Text(ids[index]),
                new Text(config.Labels[before.Label]),
                new Text(config.Labels[after.Label]),
                new Text(Probability(change)),
                .. before.Probabilities.Select((p, j) => new Text($"{Probability(p)} -> {Probability(after.Probabilities[j])}")),
            ]);
        }

        console.Write(table);
    }
}
