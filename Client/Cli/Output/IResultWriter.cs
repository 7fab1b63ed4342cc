using Unlearning.Client.Json;
using Unlearning.Client.Security;
using Unlearning.Client.Verification;

namespace Unlearning.Cli.Output;

/// <summary>Writes each command's result to stdout, for people or for machines.</summary>
internal interface IResultWriter
{
    void Created(ModelConfig config);

    void Ingested(string model, long accepted, long unchanged, long totalRecords);

    void Trained(TrainResult result);

    /// <summary>Where predict's rows go, batch by batch.</summary>
    IRowWriter<AnsweredPrediction> Predictions(ModelConfig config);

    void Evaluated(EvaluationResult result);

    void Forgot(ForgetReceipt receipt);

    /// <summary>A subject forgotten from every model that held it, under one request.</summary>
    void ForgotEverywhere(string requestId, string subject, IReadOnlyList<ForgetReceipt> receipts);

    /// <summary>Receipts of a batch of subjects, as each part completes: one per line, flushed.</summary>
    void ForgotInBatch(IReadOnlyList<ForgetReceipt> receipts);

    /// <summary>Where a forget request stands.</summary>
    void RequestStatus(ForgetRequestStatus status);

    /// <summary>Forget requests past their deadline and not completed.</summary>
    void Overdue(IReadOnlyList<OverdueRequest> requests);

    void Models(IReadOnlyList<ModelSummary> models);

    void Deleted(DeleteResult result);

    /// <summary>A forget dry run; <paramref name="estimate"/>'s Before[i] and After[i] answer probe row <paramref name="ids"/>[i].</summary>
    void EstimatedForget(ModelConfig config, IReadOnlyList<string> ids, ForgetEstimate estimate);

    /// <summary>Where explain's rows go, batch by batch.</summary>
    IRowWriter<Explanation> Explanations(ModelConfig config);

    void Status(ModelStatus status);

    /// <summary>status --watch: each status as it comes, until the statuses end or the token fires.</summary>
    Task WatchStatusAsync(IAsyncEnumerable<ModelStatus> statuses, CancellationToken cancellationToken);

    /// <summary>A certified model's budgets, for auditors.</summary>
    void Certification(CertificationStatus certification);

    /// <summary>Every shard checked against its stored records.</summary>
    void Verified(VerificationReport report);

    /// <summary>Membership-inference attacks on forgotten records, and the verdict over them.</summary>
    void Audited(string model, IReadOnlyList<AttackResult> attacks, string verdict);

    /// <summary>dev-setup wrote its files; people also get the options that use them.</summary>
    void DevSetup(DevSetupResult result);

    /// <summary>What the audit log says about a subject.</summary>
    void SubjectAudited(SubjectAudit audit);

    /// <summary>The audit log's chain, walked.</summary>
    void AuditVerified(AuditVerification verification);

    /// <summary>Some entries of the audit log.</summary>
    void AuditListed(AuditPage page);

    /// <summary>The receipt-signing public keys.</summary>
    void SigningKey(ReceiptSigningKeys keys);

    /// <summary>Receipts whose signatures checked out.</summary>
    void ReceiptsVerified(IReadOnlyList<ReceiptCheck.Verified> receipts);

    /// <summary>A signed token; for people, the token alone on one line, so that scripts can capture it.</summary>
    void Token(IssuedToken token);
}

