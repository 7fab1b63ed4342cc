namespace Unlearning;

/// <summary>How a shard's weights were changed by a forget, or how a dry run estimated the change.</summary>
[GenerateSerializer, Alias("Unlearning.ForgetMethod")]
public enum ForgetMethod
{
    /// <summary>SISA: the owning shard retrained from its last clean slice checkpoint.</summary>
    Exact = 0,
    /// <summary>A full retrain: the naive baseline (one shard, one slice), or a certified shard whose budget ran out.</summary>
    Retrain = 1,
    /// <summary>Certified removal: one Newton step within the shard's (epsilon, delta) budget.</summary>
    Certified = 2,
    /// <summary>A dry run's influence-function estimate (exact models); never the method of a real forget.</summary>
    Influence = 3,
}

/// <summary>
/// What a forget did: returned once the owning shard serves weights retrained without the subject.
/// <see cref="Method"/> says how (for certified models: a Newton step within the budget, or an exact retrain); the bound
/// a step spent and the budget left are functions of the removed rows, so they are not here but in the auditor's
/// <see cref="IModelGrain.GetCertification"/>. <see cref="ShardsUsed"/>: how many shards predictions used when it was made.
/// <para>
/// Signed by the cluster (<see cref="Signature"/>, by the key <see cref="KeyId"/>, at <see cref="IssuedAt"/>): the
/// signature covers every other field but <see cref="CompliantAt"/>, as <see cref="ReceiptDocument"/> lays them out, so anyone with the cluster's
/// public key can check a receipt offline.
/// </para>
/// <see cref="CompliantAt"/>: the moment from which no prediction could use the subject's records (the model stopped
/// using the owning shard); not part of the printed receipt.
/// </summary>
[GenerateSerializer, Immutable, Alias("Unlearning.ForgetReceipt")]
public sealed record ForgetReceipt(
    [property: Id(0)] string RequestId,
    [property: Id(1)] string Model,
    [property: Id(2)] string Subject,
    [property: Id(3)] int Shard,
    [property: Id(4)] int RecordsRemoved,
    [property: Id(5)] int SlicesRetrained,
    [property: Id(6)] long VersionBefore,
    [property: Id(7)] long VersionAfter,
    [property: Id(8)] ForgetMethod Method,
    [property: Id(9)] long ElapsedMs,
    [property: Id(12)] int ShardsUsed = 0,
    [property: Id(13)] DateTimeOffset? IssuedAt = null,
    [property: Id(14)] string? KeyId = null,
    [property: Id(15)] string? Signature = null,
    [property: Id(16)] DateTimeOffset? CompliantAt = null)
{
    /// <summary>No ids, subjects or values: Orleans prints call results in some of its log lines.</summary>
    public override string ToString() => $"ForgetReceipt {{ {RequestId}, model {Model}, shard {Shard}, {RecordsRemoved} records removed }}";
}

/// <summary>
/// What forgetting a subject would do to predictions on probe rows, computed without changing anything:
/// an influence-function estimate (<see cref="ForgetMethod.Influence"/>, exact models) or the certified update itself.
/// </summary>
[GenerateSerializer, Immutable, Alias("Unlearning.ForgetEstimate")]
public sealed record ForgetEstimate(
    [property: Id(0)] string Model,
    [property: Id(1)] string Subject,
    [property: Id(2)] int Shard,
    [property: Id(3)] int RecordsAffected,
    [property: Id(4)] ForgetMethod Method,
    [property: Id(5)] Prediction[] Before,
    [property: Id(6)] Prediction[] After,
    [property: Id(7)] long Version)
{
    /// <summary>No ids, subjects or values: Orleans prints call results in some of its log lines.</summary>
    public override string ToString() => $"ForgetEstimate {{ model {Model}, shard {Shard}, {RecordsAffected} records, {Before.Length} rows }}";
}
