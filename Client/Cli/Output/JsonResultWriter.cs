using System.Text.Encodings.Web;
using System.Text.Json;
using Unlearning.Client.Security;
using Unlearning.Client.Verification;

namespace Unlearning.Cli.Output;

/// <summary>One compact JSON object per result (one per row for predictions and explanations: JSON Lines).</summary>
internal sealed class JsonResultWriter(TextWriter stdout) : IResultWriter
{
    // Relaxed escaping keeps ids and labels readable ("O'Brien", "é"); the output is never embedded in HTML.
    // Doubles use the default round-trippable formatting.
    private static readonly JsonSerializerOptions Options = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    };

    public void Created(ModelConfig config) => Write(ConfigDocument.From(config));

    public void Ingested(string model, long accepted, long unchanged, long totalRecords) =>
        Write(new IngestDocument(model, accepted, totalRecords, unchanged));

    public void Trained(TrainResult result) => Write(TrainDocument.From(result));

    public IRowWriter<AnsweredPrediction> Predictions(ModelConfig config) =>
        Lines<AnsweredPrediction, PredictionDocument>((id, answer) => PredictionDocument.From(config, id, answer));

    public void Evaluated(EvaluationResult result) => Write(EvaluationDocument.From(result));

    public void Forgot(ForgetReceipt receipt) => Write(ForgetDocument.From(receipt));

    public void ForgotEverywhere(string requestId, string subject, IReadOnlyList<ForgetReceipt> receipts) =>
        Write(new ForgetEverywhereDocument(requestId, subject, [.. receipts.Select(ForgetDocument.From)], receipts.Count));

    public void ForgotInBatch(IReadOnlyList<ForgetReceipt> receipts)
    {
        foreach (var receipt in receipts) Write(ForgetDocument.From(receipt));
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

    public void Certification(CertificationStatus certification) => Write(CertificationDocument.From(certification));

    public void Verified(VerificationReport report) => Write(VerificationDocument.From(report));

    public void Audited(string model, IReadOnlyList<AttackResult> attacks, string verdict) =>
        Write(new AuditDocument(model, [.. attacks.Select(AttackDocument.From)], verdict));

    public void DevSetup(DevSetupResult result) => Write(new DevSetupDocument(result.Directory, result.SiloArguments, result.ClientArguments));

    public void Token(IssuedToken token) => Write(new TokenDocument(token.Token, token.TokenId, token.ExpiresAt));

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
