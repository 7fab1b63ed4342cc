using Spectre.Console;
using Unlearning.Client.Verification;

namespace Unlearning.Cli.Output;

/// <summary>Membership audits, the audit log, the signing key and checked receipts.</summary>
internal sealed partial class HumanResultWriter
{
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
}
