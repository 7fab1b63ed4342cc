namespace Unlearning;

/// <summary>
/// One shard checked against its stored records. Exact models: the shard was rebuilt from its stored records off to
/// the side, and <see cref="Verified"/> says whether the rebuild has the served weights' bits (<see cref="RebuiltDigest"/>
/// equals <see cref="Digest"/>). Certified models: the gradient residual of the served model on the stored records,
/// against the bound the model accumulated; <see cref="Verified"/> says whether it is within it.
/// Digests are SHA-256 of the weights' little-endian bytes, in hex.
/// </summary>
[GenerateSerializer, Immutable, Alias("Unlearning.ShardVerification")]
public sealed record ShardVerification(
    [property: Id(0)] int Index,
    [property: Id(1)] bool Verified,
    [property: Id(2)] string? Digest,
    [property: Id(3)] string? RebuiltDigest,
    [property: Id(4)] long Records,
    [property: Id(5)] long Version,
    [property: Id(6)] double? Residual = null,
    [property: Id(7)] double? Bound = null);

/// <summary>A model checked shard by shard: <see cref="Verified"/> when every shard is.</summary>
[GenerateSerializer, Immutable, Alias("Unlearning.VerificationReport")]
public sealed record VerificationReport(
    [property: Id(0)] string Model,
    [property: Id(1)] UnlearningMethod Method,
    [property: Id(2)] ShardVerification[] Shards,
    [property: Id(3)] bool Verified);

/// <summary>Rows a membership audit asks about: features, label indices, and the subjects they belong to (which route them to a shard).</summary>
[GenerateSerializer, Immutable, Alias("Unlearning.AuditRows")]
public sealed record AuditRows(
    [property: Id(0)] double[][] Features,
    [property: Id(1)] int[] Labels,
    [property: Id(2)] string[] Subjects);

/// <summary>
/// What the model says of one audited row: the ensemble's class probabilities, every shard's (in shard order; a shard
/// with nothing to serve gives none), the row's label and the shard its subject routes to. Probabilities only: never
/// features or ids.
/// </summary>
[GenerateSerializer, Immutable, Alias("Unlearning.AuditedRow")]
public sealed record AuditedRow(
    [property: Id(0)] int Label,
    [property: Id(1)] double[] Ensemble,
    [property: Id(2)] double[][] Shards,
    [property: Id(3)] int OwningShard);

/// <summary>
/// The model's answers for a membership audit: the rows asked about (forgotten, never seen), and a sample of the records
/// it holds (retained), which the model picks itself: the caller does not need them.
/// </summary>
[GenerateSerializer, Immutable, Alias("Unlearning.AuditPredictions")]
public sealed record AuditPredictions(
    [property: Id(0)] AuditedRow[] Forgotten,
    [property: Id(1)] AuditedRow[] Holdout,
    [property: Id(2)] AuditedRow[] Retained);
