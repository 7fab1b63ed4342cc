using Unlearning.Compliance;
using Unlearning.Telemetry;
using Unlearning.Wire;

namespace Unlearning.Model;

/// <summary>Turns a forget its shard has confirmed into a signed receipt, counted in the metrics and written to the audit trail.</summary>
internal sealed class ReceiptIssuer(ReceiptSigner signer, AuditTrail audit, UnlearningMetrics metrics)
{
    /// <param name="config">The model's config.</param>
    /// <param name="requestId">The request the receipt answers.</param>
    /// <param name="subject">The forgotten subject.</param>
    /// <param name="acceptance">What the owning shard answered when it accepted the forget.</param>
    /// <param name="final">What the shard serves once it is done: weights that never saw the subject.</param>
    /// <param name="elapsed">From the forget's arrival to <paramref name="final"/>.</param>
    /// <param name="compliantAt">When no prediction could use weights that saw the subject any more.</param>
    /// <param name="ensembleMembers">How many shards the ensemble serves from now.</param>
    public async Task<ForgetReceipt> IssueAsync(ModelConfig config, string requestId, string subject, ForgetAcceptance acceptance,
        ShardSnapshot final, TimeSpan elapsed, DateTimeOffset compliantAt, int ensembleMembers)
    {
        var method = ReceiptPolicy.MethodOf(config, acceptance.RecordsRemoved, final);
        // One reading for the histogram and the receipt: the receipt's milliseconds fall in the bucket it was counted in.
        metrics.Forgotten(config.Name, acceptance.RecordsRemoved > 0 ? method : null, elapsed);
        var signed = await signer.SignAsync(new ForgetReceipt(requestId, config.Name, subject, final.Shard, acceptance.RecordsRemoved,
            acceptance.SlicesToRetrain, acceptance.VersionBefore, final.Version, method, (long)elapsed.TotalMilliseconds,
            ensembleMembers, CompliantAt: compliantAt));
        await audit.ForgotAsync(signed);
        return signed;
    }
}
