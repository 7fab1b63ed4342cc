namespace Unlearning;

/// <summary>
/// A model, keyed by its name: what clients call. Holds the config, routes records and forgets to the model's
/// shards, and answers predictions from the shards' current weights.
/// </summary>
[Alias("Unlearning.IModelGrain")]
public interface IModelGrain : IGrainWithStringKey
{
    [Alias("Create")] Task<ModelConfig> Create(ModelConfig config);
    [Alias("GetConfig")] Task<ModelConfig> GetConfig();
    /// <summary>Adds records, all or none: a record refused (or a shard failing) leaves the model as it was.</summary>
    [Alias("Ingest")] Task<IngestResult> Ingest(DataRecord[] records);
    /// <summary>
    /// Stages a batch of the ingest <paramref name="ingestId"/> (a new id opens one): stored, checked against the model,
    /// but not part of the model until <see cref="CommitIngest"/>. A batch sent again is accepted as unchanged.
    /// </summary>
    [Alias("StageIngest")] Task<IngestResult> StageIngest(string ingestId, DataRecord[] records);
    /// <summary>Makes every staged batch of the ingest part of the model at once; repeatable, it answers the same again.</summary>
    [Alias("CommitIngest"), ResponseTimeout(LongRunning.Timeout)] Task<IngestResult> CommitIngest(string ingestId);
    /// <summary>Drops every staged batch of the ingest; nothing of it stays. Repeatable.</summary>
    [Alias("AbortIngest")] Task AbortIngest(string ingestId);
    /// <summary>Returns when every shard serves; training time grows with the data, so this call may take hours.</summary>
    [Alias("Train"), ResponseTimeout(LongRunning.Timeout)] Task<TrainResult> Train();
    [Alias("Predict")] Task<PredictionBatch> Predict(double[][] rows);
    [Alias("Evaluate")] Task<EvaluationResult> Evaluate(double[][] rows, int[] labels);
    /// <summary>Returns when the owning shard serves weights retrained without the subject.</summary>
    [Alias("Forget"), ResponseTimeout(LongRunning.Timeout)] Task<ForgetReceipt> Forget(string subject);
    [Alias("GetStatus")] Task<ModelStatus> GetStatus();
    /// <summary>
    /// Rebuilds every shard from its stored records off to the side (the served weights untouched) and compares: bits
    /// for exact models, the gradient residual against its bound for certified ones. As long as training takes.
    /// </summary>
    [Alias("Verify"), ResponseTimeout(LongRunning.Timeout)] Task<VerificationReport> Verify();
    /// <summary>
    /// The model's class probabilities (ensemble and each shard) for a membership audit: the forgotten rows, never-seen
    /// rows, and <paramref name="retainedSample"/> records it holds (picked by stable hash), for the attack's control.
    /// </summary>
    [Alias("AuditPredictions"), ResponseTimeout(LongRunning.Timeout)] Task<AuditPredictions> AuditPredictions(AuditRows forgotten, AuditRows holdout, int retainedSample);
    /// <summary>A certified model's budgets per shard, for auditors (they are functions of the removed rows).</summary>
    [Alias("GetCertification")] Task<CertificationStatus> GetCertification();
    /// <summary>
    /// Which activation of the model answers: a client waiting on a long call asks now and then, and learns that its
    /// call is lost (its silo died, the model lives elsewhere now) when the answer changes.
    /// </summary>
    [Alias("Activation"), Orleans.Concurrency.AlwaysInterleave] Task<string> Activation();
    /// <summary>How many records the model holds for each subject (0 once forgotten); staged records do not count.</summary>
    [Alias("CountRecords")] Task<int[]> CountRecords(string[] subjects);
    /// <summary>For each row, the training records that most raised and lowered its predicted label's loss.</summary>
    [Alias("Explain"), ResponseTimeout(LongRunning.Timeout)] Task<ExplanationBatch> Explain(double[][] rows, int top);
    /// <summary>The estimated effect of forgetting <paramref name="subject"/> on predictions for <paramref name="probe"/>; changes nothing.</summary>
    [Alias("EstimateForget"), ResponseTimeout(LongRunning.Timeout)] Task<ForgetEstimate> EstimateForget(string subject, double[][] probe);
}
