using System.Text.Json.Nodes;
using System.Text.Json.Serialization;
using Unlearning.Client.Verification;

namespace Unlearning.Client.Json;

// The --json contract (and the HTTP API's bodies), key for key and in order: scripts rely on it, so it does not follow the wire types implicitly.
// Keys added after the first release come last and, where marked, only when they have a value.

/// <summary>A row's prediction, with how many of the model's shards answered it.</summary>
internal sealed record AnsweredPrediction(Prediction Prediction, int ShardsUsed);

internal sealed record ConfigDocument(
    string Name, IReadOnlyList<string> FeatureNames, IReadOnlyList<string> Labels,
    int Shards, int Slices, double Lambda, string Ensemble, int MaxIterations, string Method,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] CertifiedDocument? Certified)
{
    public static ConfigDocument From(ModelConfig c) =>
        new(c.Name, c.FeatureNames, c.Labels, c.Shards, c.Slices, c.Lambda, WireNames.Of(c.Ensemble), c.MaxIterations,
            WireNames.Of(c.Method), c.Certified is null ? null : CertifiedDocument.From(c.Certified));
}

/// <summary>
/// A certified model's settings. <see cref="Removals"/>: what sigma (and, with <see cref="ChooseLambda"/>, lambda) is or will
/// be calibrated for (0 until the first train); <see cref="Calibration"/>: what the first train measured.
/// </summary>
internal sealed record CertifiedDocument(
    double Epsilon, double Delta, double Sigma, IReadOnlyList<double>? FeatureCentres, IReadOnlyList<double>? FeatureScales,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] int? Removals,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] bool? ChooseLambda,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] CalibrationDocument? Calibration)
{
    public static CertifiedDocument From(CertifiedOptions o) =>
        new(o.Epsilon, o.Delta, o.Sigma, o.FeatureCentres, o.FeatureScales, o.Removals > 0 ? o.Removals : null, o.ChooseLambda ? true : null,
            o.Calibration is null ? null : CalibrationDocument.From(o.Calibration));
}

internal sealed record CalibrationDocument(
    long Records, double StepBound, IReadOnlyList<double> ShardStepBounds, int HeldOutRows, double HeldOutAccuracy,
    double ExactHeldOutAccuracy, double AccuracyPrice, IReadOnlyList<CalibrationCandidateDocument> Candidates, double HighStepBound)
{
    public static CalibrationDocument From(CertifiedCalibration c) =>
        new(c.Records, c.StepBound, c.ShardStepBounds, c.HeldOutRows, c.HeldOutAccuracy, c.ExactHeldOutAccuracy, c.AccuracyPrice,
            [.. c.Candidates.Select(x => new CalibrationCandidateDocument(x.Lambda, x.Sigma, x.HeldOutAccuracy, x.ExactHeldOutAccuracy, x.Settled))],
            c.HighStepBound);
}

internal sealed record CalibrationCandidateDocument(double Lambda, double Sigma, double HeldOutAccuracy, double ExactHeldOutAccuracy, bool Settled);

/// <summary>A certified model's settings as <c>status</c> shows them: the chosen sigma and lambda, without the transform's vectors.</summary>
internal sealed record CertifiedStatusDocument(
    double Epsilon, double Delta, double Sigma, double Lambda,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] int? Removals,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] CalibrationDocument? Calibration)
{
    public static CertifiedStatusDocument From(ModelConfig c) =>
        new(c.Certified!.Epsilon, c.Certified.Delta, c.Certified.Sigma, c.Lambda, c.Certified.Removals > 0 ? c.Certified.Removals : null,
            c.Certified.Calibration is null ? null : CalibrationDocument.From(c.Certified.Calibration));
}

internal sealed record IngestDocument(string Model, long Accepted, long Records, long Unchanged);

internal sealed record TrainDocument(string Model, long Records, int ShardsServing, long Version, long ElapsedMs)
{
    public static TrainDocument From(TrainResult r) => new(r.Model, r.Records, r.ShardsServing, r.Version, r.ElapsedMs);
}

/// <summary>One predicted row; <see cref="ShardsUsed"/>: how many of the model's shards the answer used.</summary>
internal sealed record PredictionDocument(string Id, string Label, OrderedDictionary<string, double> Probabilities, int ShardsUsed)
{
    public static PredictionDocument From(ModelConfig config, string id, AnsweredPrediction answer) =>
        new(id, config.Labels[answer.Prediction.Label], ByLabel(config, answer.Prediction), answer.ShardsUsed);

    /// <summary>Each label's probability, keyed by the label, in the model's label order.</summary>
    public static OrderedDictionary<string, double> ByLabel(ModelConfig config, Prediction prediction)
    {
        var probabilities = new OrderedDictionary<string, double>(config.Labels.Length, StringComparer.Ordinal);
        for (var j = 0; j < config.Labels.Length; j++)
        {
            probabilities.Add(config.Labels[j], prediction.Probabilities[j]);
        }

        return probabilities;
    }
}

internal sealed record EvaluationDocument(string Model, int Rows, double Accuracy, long Version, int ShardsUsed)
{
    public static EvaluationDocument From(EvaluationResult r) => new(r.Model, r.Rows, r.Accuracy, r.Version, r.ShardsUsed);
}

/// <summary>A forget dry run: each probe row's prediction now and as estimated without the subject.</summary>
internal sealed record ForgetEstimateDocument(
    string Model, string Subject, int Shard, int RecordsAffected, string Method, long Version, double MeanAbsoluteChange,
    IReadOnlyList<EstimatedRowDocument> Rows)
{
    public static ForgetEstimateDocument From(ModelConfig config, IReadOnlyList<string> ids, ForgetEstimate e) =>
        new(e.Model, e.Subject, e.Shard, e.RecordsAffected, WireNames.Of(e.Method), e.Version, ProbabilityChange.Mean(e),
            [.. ids.Select((id, i) => EstimatedRowDocument.From(config, id, e.Before[i], e.After[i]))]);
}

internal sealed record EstimatedRowDocument(
    string Id, string Label, OrderedDictionary<string, double> Probabilities,
    string EstimatedLabel, OrderedDictionary<string, double> EstimatedProbabilities)
{
    public static EstimatedRowDocument From(ModelConfig config, string id, Prediction before, Prediction after) =>
        new(id, config.Labels[before.Label], PredictionDocument.ByLabel(config, before),
            config.Labels[after.Label], PredictionDocument.ByLabel(config, after));
}

internal sealed record ShardDocument(
    int Index, long Records, long Version, string State, string Silo,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? Exclusion)
{
    public static ShardDocument From(ShardStatus s) => new(s.Index, s.Records, s.Version, WireNames.Of(s.State), s.Silo, s.Exclusion);
}

internal sealed record StatusDocument(
    string Model, long Records, IReadOnlyList<ShardDocument> Shards, bool Trained, long Version, int ShardsUsed, IReadOnlyList<string> Alerts,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] CertifiedStatusDocument? Certified)
{
    public static StatusDocument From(ModelStatus s) =>
        new(s.Model, s.Records, [.. s.Shards.Select(ShardDocument.From)], s.Trained, s.Version, s.ShardsUsed, s.Alerts ?? [],
            s.Config?.Certified is null ? null : CertifiedStatusDocument.From(s.Config));
}

/// <summary>
/// A certified model's budgets (auditors): per shard, total, spent and left, the exact refits so far, and the estimated
/// removals left (budget left / the bound one removal is expected to spend); the model's sigma and lambda, and the
/// removals per shard it was calibrated for.
/// </summary>
internal sealed record CertificationDocument(
    string Model, double Epsilon, double Delta, IReadOnlyList<ShardBudgetDocument> Shards, double Sigma, double Lambda,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] int? Removals)
{
    public static CertificationDocument From(CertificationStatus c) =>
        new(c.Model, c.Epsilon, c.Delta, [.. c.Shards.Select(ShardBudgetDocument.From)], c.Sigma, c.Lambda, c.Removals > 0 ? c.Removals : null);
}

internal sealed record ShardBudgetDocument(
    int Index,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] BudgetDocument? Budget,
    long Refits,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] double? StepBound,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] long? RemovalsLeft)
{
    public static ShardBudgetDocument From(ShardCertification s) =>
        new(s.Index, s.Budget is null ? null : BudgetDocument.From(s.Budget), s.Refits, s.StepBound, s.RemovalsLeft);
}

internal sealed record BudgetDocument(double Total, double Spent, double Left)
{
    public static BudgetDocument From(CertifiedBudget b) => new(b.Total, b.Spent, b.Left);
}

/// <summary>One row of <c>explain</c>: the training records (ids only) that most raise and lower its predicted label's loss.</summary>
internal sealed record ExplanationDocument(
    string Id, string Label, IReadOnlyList<InfluenceDocument> Raising, IReadOnlyList<InfluenceDocument> Lowering)
{
    public static ExplanationDocument From(ModelConfig config, string id, Explanation e) =>
        new(id, config.Labels[e.Label], [.. e.Raising.Select(InfluenceDocument.From)], [.. e.Lowering.Select(InfluenceDocument.From)]);
}

internal sealed record InfluenceDocument(string Record, int Shard, double Score)
{
    public static InfluenceDocument From(RecordInfluence r) => new(r.RecordId, r.Shard, r.Score);
}

/// <summary>dev-setup: the folder, and the silo's and a client's command-line options that use its files.</summary>
internal sealed record DevSetupDocument(string Directory, IReadOnlyList<string> Silo, IReadOnlyList<string> Client);

internal sealed record TokenDocument(string Token, string TokenId, DateTimeOffset ExpiresAt);

/// <summary>verify: exact models report bits (identical, digest); certified ones their residual against the bound.</summary>
internal sealed record VerificationDocument(
    string Model, IReadOnlyList<ShardVerificationDocument> Shards,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] bool? Identical,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] bool? WithinBounds)
{
    public static VerificationDocument From(VerificationReport r)
    {
        var certified = r.Method == UnlearningMethod.Certified;
        return new(r.Model, [.. r.Shards.Select(s => ShardVerificationDocument.From(s, certified))],
            certified ? null : r.Verified, certified ? r.Verified : null);
    }
}

internal sealed record ShardVerificationDocument(
    int Index,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] bool? Identical,
    string? Digest,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] double? Residual,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] double? Bound,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] bool? WithinBound,
    long Records)
{
    public static ShardVerificationDocument From(ShardVerification s, bool certified) => certified
        ? new(s.Index, null, s.Digest, s.Residual, s.Bound, s.Verified, s.Records)
        : new(s.Index, s.Verified, s.Digest, null, null, null, s.Records);
}

/// <summary>verify --forgotten: each attack's AUCs, the interval of the forgotten-vs-holdout one, and the verdict.</summary>
internal sealed record AuditDocument(string Model, IReadOnlyList<AttackDocument> Attacks, string Verdict);

internal sealed record AttackDocument(
    string Name, double ForgottenVsHoldoutAuc, double RetainedVsHoldoutAuc, IReadOnlyList<double> Ci95,
    int Forgotten, int Retained, int Holdout)
{
    public static AttackDocument From(AttackResult a) =>
        new(a.Name, a.ForgottenVsHoldoutAuc, a.RetainedVsHoldoutAuc, [a.Ci95Low, a.Ci95High], a.ForgottenCount, a.RetainedCount, a.HoldoutCount);
}

/// <summary>A subject forgotten from every model that held it: one receipt per model.</summary>
internal sealed record ForgetEverywhereDocument(string RequestId, string Subject, IReadOnlyList<JsonObject> Receipts, int Models);

/// <summary>A forget request: its state, and the receipts of its completed parts (without subjects: the cluster keeps none).</summary>
internal sealed record RequestStatusDocument(
    string RequestId, string State, string? Model, DateTimeOffset Accepted, DateTimeOffset? Completed, int Subjects,
    IReadOnlyList<JsonObject> Receipts, string? Error)
{
    public static RequestStatusDocument From(ForgetRequestStatus s) =>
        new(s.RequestId, WireNames.Of(s.State), s.Model, s.Accepted, s.Completed, s.Subjects, [.. s.Receipts.Select(ReceiptDocument.ToJson)], s.Error);
}

internal sealed record OverdueDocument(string RequestId, string State, string? Model, DateTimeOffset Accepted, DateTimeOffset Due, int Subjects, string? Error)
{
    public static OverdueDocument From(OverdueRequest r) => new(r.RequestId, WireNames.Of(r.State), r.Model, r.Accepted, r.Due, r.Subjects, r.Error);
}

/// <summary>A model as <c>unlearn models</c> lists it; records and version are null when the model did not answer.</summary>
internal sealed record ModelDocument(string Model, string Method, int Shards, long? Records, long? Version, DateTimeOffset? Created)
{
    public static ModelDocument From(ModelSummary m) => new(m.Model, WireNames.Of(m.Method), m.Shards, m.Records, m.Version, m.Created);
}

internal sealed record DeleteDocument(string Model, bool Deleted, long Records, int Shards);
