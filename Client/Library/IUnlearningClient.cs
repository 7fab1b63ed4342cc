using Unlearning.Client.Csv;

namespace Unlearning.Client;

/// <summary>
/// The unlearning cluster as typed, asynchronous calls: every command of the <c>unlearn</c> CLI that reaches the cluster
/// (models, compliance and audit calls included). Inputs are checked as
/// the CLI checks them before anything is sent (an <see cref="ArgumentException"/> or <see cref="CsvFormatException"/>
/// names the problem); large inputs go to the cluster in batches; reads ride out a silo's death
/// (<see cref="UnlearningResilienceOptions"/>); writes are never sent twice by the client. Calls the cluster refuses throw
/// <see cref="AccessDeniedException"/> (<c>unauthenticated:</c> or <c>forbidden:</c>); a long call whose silo died throws
/// <see cref="AnswerLostException"/>; a call whose connection was lost throws <see cref="ClusterConnectionLostException"/>.
/// Register it with <c>services.AddUnlearningClient(...)</c>. Thread-safe.
/// </summary>
public interface IUnlearningClient
{
    /// <summary>Creates a model from a config (it may already exist with the same config; another config is refused).</summary>
    Task<ModelConfig> CreateModelAsync(ModelConfig config, CancellationToken cancellationToken = default);

    /// <summary>
    /// Creates a model whose features are <paramref name="schema"/>'s columns other than id, subject and label, and whose
    /// labels are its label column's distinct values (sorted ordinal); certified models also take each feature's mean and
    /// standard deviation from it. The whole file is read before anything is sent.
    /// </summary>
    Task<ModelConfig> CreateModelAsync(ModelDefinition model, CsvSource schema, CancellationToken cancellationToken = default);

    /// <summary>The model's config (a read).</summary>
    Task<ModelConfig> GetConfigAsync(string model, CancellationToken cancellationToken = default);

    /// <summary>
    /// Adds a CSV source's records (columns id, optional subject, label and the model's features), all or nothing:
    /// batches are staged under <paramref name="ingestId"/> (default: a new random id) as the source is read, then committed
    /// together. A bad row, a refused record or any failure before the commit aborts the ingest and nothing joins the model.
    /// Sending the same source again under the same id resumes it.
    /// </summary>
    Task<IngestOutcome> IngestAsync(string model, CsvSource records, string? ingestId = null, CancellationToken cancellationToken = default);

    /// <summary>As the CSV overload, for records already in memory (checked as rows of a file are), all or nothing.</summary>
    Task<IngestOutcome> IngestAsync(string model, IEnumerable<DataRecord> records, string? ingestId = null, CancellationToken cancellationToken = default);

    /// <summary>
    /// Stages <paramref name="records"/> under <paramref name="ingestId"/> (in batches when many): stored and checked, not
    /// part of the model until <see cref="CommitIngestAsync"/>. A batch sent again is accepted as unchanged.
    /// </summary>
    Task<IngestResult> StageIngestAsync(string model, string ingestId, IReadOnlyList<DataRecord> records, CancellationToken cancellationToken = default);

    /// <summary>Makes every staged batch of the ingest part of the model at once; repeatable, it answers the same again.</summary>
    Task<IngestResult> CommitIngestAsync(string model, string ingestId, CancellationToken cancellationToken = default);

    /// <summary>Drops every staged batch of the ingest; repeatable.</summary>
    Task AbortIngestAsync(string model, string ingestId, CancellationToken cancellationToken = default);

    /// <summary>Trains every shard; returns when all serve (it may take hours: the call is watched, never repeated).</summary>
    Task<TrainResult> TrainAsync(string model, CancellationToken cancellationToken = default);

    /// <summary>
    /// Predicts each row (the model's features, in its order). Rows beyond one call's size go in batches, one after the
    /// other; the answer's version and shards are then the last batch's.
    /// </summary>
    Task<PredictionBatch> PredictAsync(string model, double[][] rows, CancellationToken cancellationToken = default);

    /// <summary>Predicts each row of a CSV source (columns id and the features; a label column is ignored), batch by batch as it is read.</summary>
    IAsyncEnumerable<PredictedRows> PredictAsync(string model, CsvSource rows, CancellationToken cancellationToken = default);

    /// <summary>Accuracy on labelled rows (<paramref name="labels"/>: indices into the model's labels); up to 100,000 rows in one call, one model version.</summary>
    Task<EvaluationResult> EvaluateAsync(string model, double[][] rows, int[] labels, CancellationToken cancellationToken = default);

    /// <summary>Accuracy on a labelled CSV source; a source of up to 100,000 rows is evaluated in one call (one model version).</summary>
    Task<EvaluationResult> EvaluateAsync(string model, CsvSource rows, CancellationToken cancellationToken = default);

    /// <summary>Removes a data subject's records and unlearns them; returns once the owning shard serves weights without them.</summary>
    Task<ForgetReceipt> ForgetAsync(string model, string subject, CancellationToken cancellationToken = default);

    /// <summary>Changes nothing: the estimated effect of forgetting <paramref name="subject"/> on predictions for <paramref name="probe"/>.</summary>
    Task<ForgetEstimate> EstimateForgetAsync(string model, string subject, double[][] probe, CancellationToken cancellationToken = default);

    /// <summary>As the rows overload, over a CSV probe of at most 100,000 rows (columns id and the features).</summary>
    Task<EstimatedForget> EstimateForgetAsync(string model, string subject, CsvSource probe, CancellationToken cancellationToken = default);

    /// <summary>The model's records, version and per-shard state (a read).</summary>
    Task<ModelStatus> GetStatusAsync(string model, CancellationToken cancellationToken = default);

    /// <summary>The status now, then again every <paramref name="interval"/>, until <paramref name="cancellationToken"/> is cancelled.</summary>
    IAsyncEnumerable<ModelStatus> WatchStatusAsync(string model, TimeSpan interval, CancellationToken cancellationToken = default);

    /// <summary>A certified model's removal budgets per shard (auditors: they depend on the removed records).</summary>
    Task<CertificationStatus> GetCertificationAsync(string model, CancellationToken cancellationToken = default);

    /// <summary>How many records the model holds for each subject (0 once forgotten; staged records do not count).</summary>
    Task<int[]> CountRecordsAsync(string model, IReadOnlyList<string> subjects, CancellationToken cancellationToken = default);

    /// <summary>For each row, the training records (ids only) that most raise and lower its predicted label's loss (auditors).</summary>
    Task<ExplanationBatch> ExplainAsync(string model, double[][] rows, int top = 5, CancellationToken cancellationToken = default);

    /// <summary>As the rows overload, over a CSV source, batch by batch as it is read.</summary>
    IAsyncEnumerable<ExplainedRows> ExplainAsync(string model, CsvSource rows, int top = 5, CancellationToken cancellationToken = default);

    /// <summary>
    /// Rebuilds every shard from its stored records off to the side and compares bits with what it serves (certified
    /// models: the gradient residual against its bound). As long as training takes.
    /// </summary>
    Task<VerificationReport> VerifyAsync(string model, CancellationToken cancellationToken = default);

    /// <summary>
    /// Membership-inference attacks on forgotten records: <paramref name="forgotten"/> (the forgotten subjects' labelled
    /// records) against <paramref name="holdout"/> (labelled records never seen), with <paramref name="retained"/> records the
    /// model holds as the control; <paramref name="seed"/> fixes the bootstrap intervals. At most 100,000 rows per file.
    /// </summary>
    Task<MembershipAuditReport> AuditMembershipAsync(string model, CsvSource forgotten, CsvSource holdout, int retained = 1_000, int seed = 1,
        CancellationToken cancellationToken = default);
    /// <summary>Every model the cluster holds (its catalog), with method, shards, records and version as each reports them now: one attempt, not retried.</summary>
    Task<ModelSummary[]> ListModelsAsync(CancellationToken cancellationToken = default);

    /// <summary>
    /// Deletes a model with its records, checkpoints and weights from every store (administrators). Watched, never sent
    /// again: after an <see cref="AnswerLostException"/>, list the models to learn whether it is gone.
    /// </summary>
    Task<DeleteResult> DeleteModelAsync(string model, CancellationToken cancellationToken = default);

    /// <summary>
    /// Sends a part of the stored forget request <paramref name="requestId"/> (its order: the subjects, and the model, or
    /// every model that holds them when <see cref="ForgetOrder.Model"/> is null) and returns when every subject of it is
    /// forgotten: one result per subject, in order. The request is stored before anything is forgotten and completes even
    /// if a silo dies; the same id and part sent again answers as the first time and forgets nothing twice, so after an
    /// <see cref="AnswerLostException"/> the part may simply be sent again. At most
    /// <see cref="RequestLimits.MaxSubjectsPerPart"/> subjects a part.
    /// </summary>
    Task<SubjectForget[]> SubmitForgetAsync(string requestId, ForgetOrder order, CancellationToken cancellationToken = default);

    /// <summary>Where the forget request <paramref name="requestId"/> stands (accepted, completed, failed), with the receipts of its parts done (a read).</summary>
    Task<ForgetRequestStatus> GetForgetRequestAsync(string requestId, CancellationToken cancellationToken = default);

    /// <summary>The forget requests older than the cluster's deadline and not completed, oldest first: one attempt, not retried.</summary>
    Task<OverdueRequest[]> ListOverdueRequestsAsync(CancellationToken cancellationToken = default);

    /// <summary>
    /// What the cluster's audit log says about <paramref name="subject"/> (auditors): whether, when and from which models it
    /// was forgotten. The cluster hashes the subject with its keys, which never leave it; the look-up is itself logged.
    /// </summary>
    Task<SubjectAudit> FindSubjectInAuditLogAsync(string subject, CancellationToken cancellationToken = default);

    /// <summary>Walks the audit log's hash chain as stored; the answer names the first entry altered, removed or reordered (auditors).</summary>
    Task<AuditVerification> VerifyAuditLogAsync(CancellationToken cancellationToken = default);

    /// <summary>
    /// Up to <paramref name="count"/> audit log entries (1 to <see cref="AuditLimits.MaxPage"/>) from sequence number
    /// <paramref name="from"/> on (the first is 1); with <paramref name="from"/> 0, the last <paramref name="count"/> (auditors).
    /// </summary>
    Task<AuditPage> ReadAuditLogAsync(long from = 0, int count = ClientLimits.DefaultAuditPage, CancellationToken cancellationToken = default);

    /// <summary>The public keys the cluster signs forget receipts with (the current one and the earlier ones), to check receipts offline.</summary>
    Task<ReceiptSigningKeys> GetSigningKeysAsync(CancellationToken cancellationToken = default);
}
