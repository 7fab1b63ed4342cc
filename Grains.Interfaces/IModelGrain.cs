namespace Unlearning;

/// <summary>
/// A model, keyed by its name: what clients call. Holds the config, routes records and forgets to the model's
/// shards, and answers predictions from the shards' current weights.
/// Every method names the roles that may call it (<see cref="RequiresRoleAttribute"/>; admin may call all): the silo
/// refuses a method without the mark. A model's configuration and <see cref="Watch"/> are open to every role, as
/// each command reads the one and every long call polls the other.
/// </summary>
[Alias("Unlearning.IModelGrain")]
public interface IModelGrain : IGrainWithStringKey
{
    [RequiresRole(Roles.Writer, Action = "create a model")]
    [Alias("Create")] Task<ModelConfig> Create(ModelConfig config);
    [RequiresRole(Roles.Reader, Roles.Writer, Roles.Forgetter, Roles.Auditor, Action = "read a model's configuration")]
    [Alias("GetConfig")] Task<ModelConfig> GetConfig();
    /// <summary>Adds records, all or none: a record refused (or a shard failing) leaves the model as it was.</summary>
    [RequiresRole(Roles.Writer, Action = "ingest records")]
    [Alias("Ingest")] Task<IngestResult> Ingest(DataRecord[] records);
    /// <summary>
    /// Stages a batch of the ingest <paramref name="ingestId"/> (a new id opens one): stored, checked against the model,
    /// but not part of the model until <see cref="CommitIngest"/>. A batch sent again is accepted as unchanged.
    /// </summary>
    [RequiresRole(Roles.Writer, Action = "ingest records")]
    [Alias("StageIngest")] Task<IngestResult> StageIngest(string ingestId, DataRecord[] records);
    /// <summary>Makes every staged batch of the ingest part of the model at once; repeatable, it answers the same again.</summary>
    [RequiresRole(Roles.Writer, Action = "commit an ingest")]
    [Alias("CommitIngest"), ResponseTimeout(LongRunning.Timeout)] Task<IngestResult> CommitIngest(string ingestId);
    /// <summary>Drops every staged batch of the ingest; nothing of it stays. Repeatable.</summary>
    [RequiresRole(Roles.Writer, Action = "abort an ingest")]
    [Alias("AbortIngest")] Task AbortIngest(string ingestId);
    /// <summary>Returns when every shard serves; training time grows with the data, so this call may take hours.</summary>
    [RequiresRole(Roles.Writer, Action = "train a model")]
    [Alias("Train"), ResponseTimeout(LongRunning.Timeout)] Task<TrainResult> Train();
    [RequiresRole(Roles.Reader, Action = "predict")]
    [Alias("Predict")] Task<PredictionBatch> Predict(double[][] rows);
    [RequiresRole(Roles.Reader, Action = "evaluate a model")]
    [Alias("Evaluate")] Task<EvaluationResult> Evaluate(double[][] rows, int[] labels);
    /// <summary>Returns when the owning shard serves weights retrained without the subject.</summary>
    [RequiresRole(Roles.Forgetter, Action = "forget a subject")]
    [Alias("Forget"), ResponseTimeout(LongRunning.Timeout)] Task<ForgetReceipt> Forget(string subject);
    [RequiresRole(Roles.Reader, Action = "read a model's status")]
    [Alias("GetStatus")] Task<ModelStatus> GetStatus();
    /// <summary>
    /// Rebuilds every shard from its stored records off to the side (the served weights untouched) and compares: bits
    /// for exact models, the gradient residual against its bound for certified ones. As long as training takes.
    /// </summary>
    [RequiresRole(Roles.Auditor, Action = "verify a model against its stored records")]
    [Alias("Verify"), ResponseTimeout(LongRunning.Timeout)] Task<VerificationReport> Verify();
    /// <summary>
    /// The model's class probabilities (ensemble and each shard) for a membership audit: the forgotten rows, never-seen
    /// rows, and <paramref name="retainedSample"/> records it holds (picked by stable hash), for the attack's control.
    /// </summary>
    [RequiresRole(Roles.Auditor, Action = "run a membership audit")]
    [Alias("AuditPredictions"), ResponseTimeout(LongRunning.Timeout)] Task<AuditPredictions> AuditPredictions(AuditRows forgotten, AuditRows holdout, int retainedSample);
    /// <summary>A certified model's budgets per shard, for auditors (they are functions of the removed rows).</summary>
    [RequiresRole(Roles.Auditor, Action = "read certified budgets")]
    [Alias("GetCertification")] Task<CertificationStatus> GetCertification();
    /// <summary>
    /// Which activation of the model answers, and how the call a client named <paramref name="call"/>
    /// (<see cref="CallWatch.ContextKey"/>) stands there: a client waiting on a long call asks now and then, and learns
    /// that its call is lost when the activation changes (its silo died, the model lives elsewhere now) or the call
    /// finished without its answer arriving.
    /// </summary>
    [RequiresRole(Roles.Reader, Roles.Writer, Roles.Forgetter, Roles.Auditor, Action = "watch a call in flight")]
    [Alias("Watch"), Orleans.Concurrency.AlwaysInterleave] Task<CallWatch> Watch(string call);
    /// <summary>How many records the model holds for each subject (0 once forgotten); staged records do not count.</summary>
    [RequiresRole(Roles.Reader, Action = "count a subject's records")]
    [Alias("CountRecords")] Task<int[]> CountRecords(string[] subjects);
    /// <summary>For each row, the training records that most raised and lowered its predicted label's loss.</summary>
    [RequiresRole(Roles.Auditor, Action = "explain predictions (it names training records)")]
    [Alias("Explain"), ResponseTimeout(LongRunning.Timeout)] Task<ExplanationBatch> Explain(double[][] rows, int top);
    /// <summary>
    /// Removes the model with its records, checkpoints and weights from every store (and its subjects from the subject
    /// index); later calls answer that the model is unknown. Repeatable: a delete cut short by a failure completes.
    /// </summary>
    [RequiresRole(Roles.Admin, Action = "delete a model")]
    [Alias("Delete"), ResponseTimeout(LongRunning.Timeout)] Task<DeleteResult> Delete();
    /// <summary>The estimated effect of forgetting <paramref name="subject"/> on predictions for <paramref name="probe"/>; changes nothing.</summary>
    [RequiresRole(Roles.Forgetter, Action = "estimate a forget (dry run)")]
    [Alias("EstimateForget"), ResponseTimeout(LongRunning.Timeout)] Task<ForgetEstimate> EstimateForget(string subject, double[][] probe);
}
