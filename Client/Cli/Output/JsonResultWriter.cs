using System.Text.Json;
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

    public void Forgot(ForgetReceipt receipt) => Write(ForgetDocument.From(receipt));

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
