using System.Globalization;
using Spectre.Console;
using Spectre.Console.Rendering;
using Unlearning.Client.Json;
using Unlearning.Client.Security;
using Unlearning.Client.Verification;
using DevSetupFiles = Unlearning.Client.Security.DevSetup;

namespace Unlearning.Cli.Output;

/// <summary>Results as sentences and Spectre tables. Cells are <see cref="Text"/>, never markup: ids and labels are user data.</summary>
internal sealed class HumanResultWriter(IAnsiConsole console) : IResultWriter
{
    /// <summary>At most this many rows of a forget dry run are listed; --json lists all.</summary>
    public const int EstimatedRowsShown = 20;

    public void Created(ModelConfig config)
    {
        console.WriteLine($"Created model '{config.Name}'.");
        List<(string Name, string Value)> settings =
        [
            ("features", $"{config.FeatureCount}: {string.Join(", ", config.FeatureNames)}"),
            ("labels", string.Join(", ", config.Labels)),
            ("shards", Number(config.Shards)),
            ("slices", Number(config.Slices)),
            ("lambda", config.Certified is { ChooseLambda: true, Calibration: null }
                ? $"chosen at the first train from {string.Join(", ", CertifiedLambdaGrid)}" : Real(config.Lambda)),
            ("ensemble", WireNames.Of(config.Ensemble)),
            ("max iterations", Number(config.MaxIterations)),
            ("unlearning", WireNames.Of(config.Method)),
        ];
        if (config.Certified is { } certified)
        {
            settings.Add(("epsilon", Real(certified.Epsilon)));
            settings.Add(("delta", Real(certified.Delta)));
            settings.Add(("sigma", certified.AwaitsCalibration
                ? $"chosen at the first train for {Number(certified.Removals)} removals per shard" : Real(certified.Sigma)));
            if (certified.Calibration is { } calibration) settings.Add(("calibration", Calibration(certified, calibration)));
        }

        console.Write(Settings([.. settings]));
        if (config.Certified?.FeatureCentres is not null)
        {
            // Unwrapped: a note that scripts may grep for, not a paragraph.
            console.Profile.Out.Writer.WriteLine("Note: the schema file's feature means and standard deviations are now part " +
                "of the model's config and are not forgotten with records; use a reference file, not training data.");
        }
    }

    public void Ingested(string model, long accepted, long unchanged, long totalRecords) =>
        console.WriteLine($"Ingested {Number(accepted)} records into '{model}'" +
            (unchanged > 0 ? $" ({Number(unchanged)} more it held already, unchanged)" : "") + $"; it now holds {Number(totalRecords)}.");

    public void Trained(TrainResult result) =>
        console.WriteLine($"Trained '{result.Model}' on {Number(result.Records)} records: {result.ShardsServing} shards serving, " +
            $"version {result.Version}, {Number(result.ElapsedMs)} ms.");

    public IRowWriter<AnsweredPrediction> Predictions(ModelConfig config) => new HumanPredictionRows(console, config);

    public void Evaluated(EvaluationResult result) =>
        console.WriteLine($"Accuracy of '{result.Model}' (version {result.Version}, {Number(result.ShardsUsed)} shards) on {Number(result.Rows)} rows: " +
            $"{result.Accuracy.ToString("P2", CultureInfo.InvariantCulture)} ({result.Accuracy.ToString("R", CultureInfo.InvariantCulture)}).");

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

    public IRowWriter<Explanation> Explanations(ModelConfig config) => new RowWriter<Explanation>((ids, explanations) =>
    {
        for (var i = 0; i < ids.Count; i++)
        {
            Explained(config, ids[i], explanations[i]);
        }
    });

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

    public void Audited(string model, IReadOnlyList<AttackResult> attacks, string verdict)
    {
        console.WriteLine($"Membership-inference audit of '{model}':");
        var table = new Table()
            .AddColumn(Column("attack"))
            .AddColumn(Column("forgotten vs never seen (AUC)").RightAligned())
            .AddColumn(Column("95% interval").RightAligned())
            .AddColumn(Column("retained vs never seen (AUC)").RightAligned());
        foreach (var attack in attacks)
        {
            table.AddRow(Cells(attack.Name, Score(attack.ForgottenVsHoldoutAuc), $"{Score(attack.Ci95Low)} .. {Score(attack.Ci95High)}",
                Score(attack.RetainedVsHoldoutAuc)));
        }

        console.Write(table);
        console.Profile.Out.Writer.WriteLine(verdict);
    }

    public void DevSetup(DevSetupResult result)
    {
        // Plain lines, never wrapped: the options are for copying into a shell.
        var writer = console.Profile.Out.Writer;
        writer.WriteLine($"Wrote development credentials to {result.Directory} (certificates valid until {result.ExpiresUtc:yyyy-MM-dd} UTC):");
        writer.WriteLine($"  {DevSetupFiles.CaFile,-16} CA certificate that silos and clients trust");
        writer.WriteLine($"  {DevSetupFiles.SiloCertFile,-16} silo certificate (key {DevSetupFiles.SiloKeyFile}) for {string.Join(", ", result.SiloNames)}");
        writer.WriteLine($"  {DevSetupFiles.ClientCertFile,-16} client certificate (key {DevSetupFiles.ClientKeyFile})");
        writer.WriteLine($"  {DevSetupFiles.SigningKeyFile,-16} token signing key: keep it with whoever mints tokens, never on a silo");
        writer.WriteLine($"  {DevSetupFiles.SigningPublicKeyFile,-16} its public key, for silos");
        writer.WriteLine("The CA's private key was not kept: run again with --force to re-issue every file.");
        writer.WriteLine();
        writer.WriteLine("Silo options:");
        writer.WriteLine($"  {ShellWords.Join(result.SiloArguments)}");
        writer.WriteLine("Client options:");
        writer.WriteLine($"  {ShellWords.Join(result.ClientArguments)}");
        writer.WriteLine("Mint a token (roles: " + string.Join(", ", Roles.All) + "):");
        writer.WriteLine($"  {ShellWords.Join(["unlearn", "token", "--signing-key", result.Path(DevSetupFiles.SigningKeyFile), "--role", Roles.Forgetter, "--expires", "1h"])}");
    }

    public void Token(IssuedToken token) => console.Profile.Out.Writer.WriteLine(token.Token);

    public void SubjectAudited(SubjectAudit audit)
    {
        var removals = audit.Removals.ToArray();
        console.WriteLine(removals.Length == 0
            ? $"The audit log records no forget that removed this subject's records ({Number(audit.Entries.Length)} entries name it)."
            : $"Forgotten from {Number(audit.Models.Count)} models: {string.Join(", ", audit.Models)}.");
        if (audit.Entries.Length == 0) return;
        var table = new Table().AddColumn(Column("#").RightAligned()).AddColumn(Column("at")).AddColumn(Column("kind")).AddColumn(Column("model"))
            .AddColumn(Column("request")).AddColumn(Column("records").RightAligned()).AddColumn(Column("key"));
        foreach (var entry in audit.Entries)
        {
            var e = entry.Event;
            table.AddRow(Cells(Number(entry.Sequence), ReceiptDocument.Timestamp(e.At), WireNames.Of(e.Kind), e.Model ?? "-", e.RequestId ?? "-",
                e.Records is { } records ? Number(records) : "-", e.KeyId ?? "-"));
        }
        console.Write(table);
    }

    public void AuditVerified(AuditVerification verification)
    {
        if (!verification.Intact) return;
        console.WriteLine($"The audit log is intact: {Number(verification.Entries)} entries, head {verification.Head}" +
            (verification.SignedBy is { } key ? $", signed by key {key}." : "."));
    }

    public void AuditListed(AuditPage page)
    {
        console.WriteLine($"{Number(page.Entries.Length)} of {Number(page.Total)} audit entries.");
        var table = new Table().AddColumn(Column("#").RightAligned()).AddColumn(Column("at")).AddColumn(Column("kind")).AddColumn(Column("caller"))
            .AddColumn(Column("model")).AddColumn(Column("detail"));
        foreach (var entry in page.Entries)
        {
            var e = entry.Event;
            var detail = e.Kind switch
            {
                AuditKind.Create => $"{e.Method}, {e.Shards} shards",
                AuditKind.Ingest => $"{e.Records} records",
                AuditKind.Train => $"{e.Records} records, version {e.Version}",
                AuditKind.Forget => $"subject {e.SubjectHash?[..12]}.. (key {e.KeyId}), {e.Records} records, request {e.RequestId}",
                AuditKind.Denied => $"{e.Call}: {e.Reason}" + (e.Count > 1 ? $" (x{e.Count})" : ""),
                AuditKind.Lookup => $"subject {e.SubjectHash?[..12]}.. (key {e.KeyId})",
                _ => "",
            };
            table.AddRow(Cells(Number(entry.Sequence), ReceiptDocument.Timestamp(e.At), WireNames.Of(e.Kind), e.Caller ?? "-", e.Model ?? "-", detail));
        }
        console.Write(table);
    }

    // Unwrapped PEM, so that it can be redirected into a file as it is.
    public void SigningKey(ReceiptSigningKeys keys) => console.Profile.Out.Writer.Write(keys.Current.Pem.TrimEnd() + "\n");

    public void ReceiptsVerified(IReadOnlyList<ReceiptCheck.Verified> receipts)
    {
        foreach (var receipt in receipts)
            console.WriteLine($"Receipt {receipt.RequestId}: signature valid (key {receipt.KeyId}, issued {receipt.IssuedAt}).");
    }

    private void Explained(ModelConfig config, string id, Explanation explanation)
    {
        console.WriteLine($"Row '{id}': predicted '{config.Labels[explanation.Label]}'.");
        var table = new Table()
            .AddColumn(Column("#").RightAligned())
            .AddColumn(Column("raises loss"))
            .AddColumn(Column("shard").RightAligned())
            .AddColumn(Column("score").RightAligned())
            .AddColumn(Column("lowers loss"))
            .AddColumn(Column("shard").RightAligned())
            .AddColumn(Column("score").RightAligned());
        var count = Math.Max(explanation.Raising.Length, explanation.Lowering.Length);
        for (var k = 0; k < count; k++)
        {
            table.AddRow(Cells([Number(k + 1), .. Influence(explanation.Raising, k), .. Influence(explanation.Lowering, k)]));
        }

        console.Write(table);
    }

    private static Table Settings(params (string Name, string Value)[] settings)
    {
        var table = new Table().HideHeaders().AddColumn(Column("setting")).AddColumn(Column("value"));
        foreach (var (name, value) in settings)
        {
            table.AddRow(Cells(name, value));
        }

        return table;
    }

    private static TableColumn Column(string header) => new(new Text(header));

    private static IRenderable[] Cells(params string[] values) => [.. values.Select(v => new Text(v))];

    private static string Number(long value) => value.ToString("N0", CultureInfo.InvariantCulture);

    /// <summary>Round-trippable, as --json writes it.</summary>
    private static string Real(double value) => value.ToString("R", CultureInfo.InvariantCulture);

    private static string Probability(double value) => value.ToString("F4", CultureInfo.InvariantCulture);

    private static string Score(double value) => value.ToString("G4", CultureInfo.InvariantCulture);

    private static readonly string[] CertifiedLambdaGrid = ["0.0001", "0.001", "0.01", "0.1"];

    /// <summary>What a calibration measured: the accuracy its noise costs on held-out training rows.</summary>
    private static string Calibration(CertifiedOptions certified, CertifiedCalibration calibration) =>
        $"chosen at the first train for {Number(certified.Removals)} removals per shard; held-out accuracy " +
        $"{Percent(calibration.HeldOutAccuracy)} vs {Percent(calibration.ExactHeldOutAccuracy)} for an exact fit of the same lambda, " +
        $"on {Number(calibration.HeldOutRows)} held-out training rows; about {Score(calibration.StepBound)} spent per removal" +
        (calibration.HighStepBound > 0 ? $" (95% of removals below {Score(calibration.HighStepBound)})" : "");

    private static string Percent(double value) => (100 * value).ToString("F2", CultureInfo.InvariantCulture) + "%";

    private static string Budget(CertifiedBudget? budget) => budget is null ? "-" : $"{Score(budget.Spent)} / {Score(budget.Total)}";

    private static string[] Influence(RecordInfluence[] influences, int k) => k < influences.Length
        ? [influences[k].RecordId, Number(influences[k].Shard), Score(influences[k].Score)]
        : ["", "", ""];
}
