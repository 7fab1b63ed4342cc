using Unlearning.Client.Verification;

namespace Unlearning.Client;

/// <summary>An ingest's result: records new to the model, records it already held as sent (a resend), and its records after.</summary>
public sealed record IngestOutcome(string Model, long Accepted, long Unchanged, long Records);

/// <summary>
/// A batch of predictions for rows of a CSV source, in input order: <see cref="Predictions"/>[i] answers row
/// <see cref="Ids"/>[i]; <see cref="ShardsUsed"/> of the model's shards answered it (fewer while one is out of the ensemble).
/// </summary>
public sealed record PredictedRows(ModelConfig Model, IReadOnlyList<string> Ids, IReadOnlyList<Prediction> Predictions, long Version, int ShardsUsed)
{
    /// <summary>The label predicted for row <paramref name="index"/>.</summary>
    public string LabelOf(int index) => Model.Labels[Predictions[index].Label];
}

/// <summary>A batch of explanations for rows of a CSV source: <see cref="Explanations"/>[i] explains row <see cref="Ids"/>[i].</summary>
public sealed record ExplainedRows(ModelConfig Model, IReadOnlyList<string> Ids, IReadOnlyList<Explanation> Explanations);

/// <summary>A forget dry run over a probe file: <see cref="Estimate"/>'s Before[i] and After[i] answer probe row <see cref="Ids"/>[i].</summary>
public sealed record EstimatedForget(ModelConfig Model, IReadOnlyList<string> Ids, ForgetEstimate Estimate);

/// <summary>Membership-inference attacks on forgotten records (loss threshold, then offline LiRA), and the verdict over them.</summary>
public sealed record MembershipAuditReport(string Model, IReadOnlyList<AttackResult> Attacks, string Verdict);
