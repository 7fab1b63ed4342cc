using System.Text.Json;
using System.Text.Json.Nodes;
using Unlearning.Client.Json;
using Unlearning.Client.Security;
using Unlearning.Client.Verification;

namespace Unlearning.Cli.Output;

/// <summary>One compact JSON object per result (one per row for predictions and explanations: JSON Lines).</summary>
internal sealed class JsonResultWriter(TextWriter stdout) : IResultWriter
{
    private static readonly JsonSerializerOptions Options = JsonContract.Options;

    public void Created(ModelConfig config) => Write(ConfigDocument.From(config));

    public void Ingested(string model, long accepted, long unchanged, long totalRecords) =>
        Write(new IngestDocument(model, accepted, totalRecords, unchanged));

    public void Trained(TrainResult result) => Write(TrainDocument.From(result));

    public IRowWriter<AnsweredPrediction> Predictions(ModelConfig config) =>
        Lines<AnsweredPrediction, PredictionDocument>((id, answer) => PredictionDocument.From(config, id, answer));

    public void Evaluated(EvaluationResult result) => Write(EvaluationDocument.From(result));

    // The receipt as it was signed: verify-receipt checks exactly these members.
    public void Forgot(ForgetReceipt receipt) => WriteNode(ReceiptDocument.ToJson(receipt));

    public void ForgotEverywhere(string requestId, string subject, IReadOnlyList<ForgetReceipt> receipts) =>
        Write(new ForgetEverywhereDocument(requestId, subject, [.. receipts.Select(ReceiptDocument.ToJson)], receipts.Count));

    public void ForgotInBatch(IReadOnlyList<ForgetReceipt> receipts)
    {
        foreach (var receipt in receipts) WriteNode(ReceiptDocument.ToJson(receipt));
        stdout.Flush();
    }

    public void RequestStatus(ForgetRequestStatus status) => Write(RequestStatusDocument.From(status));

    public void Overdue(IReadOnlyList<OverdueRequest> requests) => Write(requests.Select(OverdueDocument.From).ToArray());

    public void Models(IReadOnlyList<ModelSummary> models) => Write(models.Select(ModelDocument.From).ToArray());

    public void Deleted(DeleteResult result) => Write(new DeleteDocument(result.Model, true, result.Records, result.Shards));

    public void EstimatedForget(ModelConfig config, IReadOnlyList<string> ids, ForgetEstimate estimate) =>
        Write(ForgetEstimateDocument.From(config, ids, estimate));

    public IRowWriter<Explanation> Explanations(ModelConfig config) =>
        Lines<Explanation, ExplanationDocument>((id, explanation) => ExplanationDocument.From(config, id, explanation));

    public void Status(ModelStatus status) => Write(StatusDocument.From(status));

    /// <summary>One status line per refresh (JSON Lines), flushed as it comes.</summary>
    public async Task WatchStatusAsync(IAsyncEnumerable<ModelStatus> statuses, CancellationToken cancellationToken)
    {
        await foreach (var status in statuses.WithCancellation(cancellationToken))
        {
            Status(status);
            await stdout.FlushAsync(cancellationToken);
        }
    }

    public void Certification(CertificationStatus certification) => Write(CertificationDocument.From(certification));

    public void Verified(VerificationReport report) => Write(VerificationDocument.From(report));

    public void Audited(string model, IReadOnlyList<AttackResult> attacks, string verdict) =>
        Write(new AuditDocument(model, [.. attacks.Select(AttackDocument.From)], verdict));

    public void DevSetup(DevSetupResult result) => Write(new DevSetupDocument(result.Directory, result.SiloArguments, result.ClientArguments));

    public void Token(IssuedToken token) => Write(new TokenDocument(token.Token, token.TokenId, token.ExpiresAt));

    public void SubjectAudited(SubjectAudit audit)
    {
        var removals = new JsonArray();
        foreach (var entry in audit.Removals)
        {
            removals.Add(new JsonObject
            {
                ["model"] = entry.Event.Model,
                ["requestId"] = entry.Event.RequestId,
                ["at"] = ReceiptDocument.Timestamp(entry.Event.At),
                ["recordsRemoved"] = entry.Event.Records,
                ["shard"] = entry.Event.Shard,
                ["sequence"] = entry.Sequence,
            });
        }
        WriteNode(new JsonObject
        {
            ["forgotten"] = audit.Forgotten,
            ["models"] = new JsonArray([.. audit.Models.Select(m => (JsonNode?)m)]),
            ["removals"] = removals,
            ["keyIds"] = new JsonArray([.. audit.KeyIds.Select(k => (JsonNode?)k)]),
            ["entries"] = new JsonArray([.. audit.Entries.Select(e => (JsonNode?)AuditEntryDocument.ToJson(e))]),
        });
    }

    public void AuditVerified(AuditVerification v) => Write(new AuditVerificationDocument(v.Intact, v.Entries, v.Head, v.FirstBad, v.Problem, v.SignedBy));

    public void AuditListed(AuditPage page)
    {
        foreach (var entry in page.Entries) WriteNode(AuditEntryDocument.ToJson(entry));
    }

    public void SigningKey(ReceiptSigningKeys keys) =>
        Write(new SigningKeyDocument(keys.Current.KeyId, keys.Current.Pem, keys.Current.Since,
            [.. keys.Previous.Select(k => new SigningKeyDocument(k.KeyId, k.Pem, k.Since, null))]));

    public void ReceiptsVerified(IReadOnlyList<ReceiptCheck.Verified> receipts)
    {
        foreach (var receipt in receipts) Write(new ReceiptVerifiedDocument(receipt.RequestId, true, receipt.KeyId, receipt.IssuedAt));
    }

    private void WriteNode(JsonNode document) => stdout.WriteLine(document.ToJsonString(Options));

    private void Write<T>(T document) => stdout.WriteLine(JsonSerializer.Serialize(document, Options));

    /// <summary>One line per row; each batch is flushed, so that a consumer of stdout sees rows while the file is still read.</summary>
    private RowWriter<T> Lines<T, TDocument>(Func<string, T, TDocument> document) => new((ids, rows) =>
    {
        for (var i = 0; i < ids.Count; i++)
        {
            Write(document(ids[i], rows[i]));
        }

        stdout.Flush();
    });
}

internal sealed record AuditVerificationDocument(bool Intact, long Entries, string Head, long? FirstBad, string? Problem, string? SignedBy);

internal sealed record SigningKeyDocument(string KeyId, string Pem, DateTimeOffset Since, IReadOnlyList<SigningKeyDocument>? Previous);

internal sealed record ReceiptVerifiedDocument(string RequestId, bool Valid, string KeyId, string IssuedAt);
