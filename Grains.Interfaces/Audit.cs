namespace Unlearning;

/// <summary>
/// The cluster's audit log, as an auditor reads it: a hash chain of what was done (models created, records ingested
/// (counts only), training, forgets, deletions, refused calls), holding no patient data: a forget names its subject by
/// a keyed hash only (HMAC-SHA256 under a key the operator configures), so the log answers "was this subject forgotten"
/// to whoever may ask the cluster, and nothing to whoever holds only the store. One log per cluster, key <see cref="Key"/>.
/// </summary>
[Alias("Unlearning.IAuditGrain")]
public interface IAuditGrain : IGrainWithStringKey
{
    /// <summary>The one key of the cluster's audit log.</summary>
    const string Key = "cluster";

    /// <summary>
    /// Every entry naming <paramref name="subject"/>: the cluster hashes it with each subject key it has (the current one
    /// and the rotated ones), so the keys never leave it. The look-up is itself logged, by hash, with the caller.
    /// </summary>
    [RequiresRole(Roles.Auditor, Action = "look up a subject in the audit log")]
    [Alias("FindSubject"), ResponseTimeout(LongRunning.Timeout)] Task<SubjectAudit> FindSubject(string subject);

    /// <summary>Walks the chain as stored and says whether any entry was altered, removed or reordered, naming the first.</summary>
    [RequiresRole(Roles.Auditor, Action = "verify the audit log")]
    [Alias("Verify"), ResponseTimeout(LongRunning.Timeout)] Task<AuditVerification> Verify();

    /// <summary>
    /// Up to <paramref name="count"/> entries (at most <see cref="AuditLimits.MaxPage"/>) from sequence number
    /// <paramref name="from"/> on (the first entry is 1); with <paramref name="from"/> 0, the last <paramref name="count"/>.
    /// </summary>
    [RequiresRole(Roles.Auditor, Action = "read the audit log")]
    [Alias("Read")] Task<AuditPage> Read(long from, int count);
}

/// <summary>Bounds of the audit log's calls.</summary>
public static class AuditLimits
{
    public const int MaxPage = 1_000;
}

/// <summary>What an audit entry records.</summary>
[GenerateSerializer, Alias("Unlearning.AuditKind")]
public enum AuditKind
{
    /// <summary>A model was created (its method and shard count).</summary>
    Create = 0,
    /// <summary>An ingest was committed (how many records it added; never which).</summary>
    Ingest = 1,
    /// <summary>A model was trained (how many records, the version it serves).</summary>
    Train = 2,
    /// <summary>A subject was forgotten in a model (its keyed hash, the records removed, the request).</summary>
    Forget = 3,
    /// <summary>A model was deleted.</summary>
    Delete = 4,
    /// <summary>A call was refused (the caller when known, the method, why; never its arguments).</summary>
    Denied = 5,
    /// <summary>An auditor looked a subject up (its keyed hash).</summary>
    Lookup = 6,
}

/// <summary>
/// What happened, as one audit entry records it; which fields are set depends on <see cref="Kind"/>. Never a record id,
/// a subject or a value: a subject only as <see cref="SubjectHash"/> (lower-case hex HMAC-SHA256 under the subject key
/// <see cref="KeyId"/>). <see cref="Caller"/>: the token's subject of whoever called (null when the cluster checks no
/// tokens, or the token was not valid).
/// </summary>
/// <param name="At">When it happened (the silo's clock).</param>
/// <param name="Kind">What happened.</param>
/// <param name="Caller">The token's subject of whoever called, or null.</param>
/// <param name="Model">The model concerned.</param>
/// <param name="RequestId">Forget: the request the forget belongs to.</param>
/// <param name="SubjectHash">Forget: the subject's keyed hash.</param>
/// <param name="KeyId">Forget: the subject key that made <paramref name="SubjectHash"/>.</param>
/// <param name="Shard">Forget: the owning shard.</param>
/// <param name="Shards">Create: the model's shards.</param>
/// <param name="Records">Create: none; ingest: records added; train: records trained on; forget: records removed.</param>
/// <param name="Version">Train: the version the model serves after it; forget: the owning shard's version when accepted.</param>
/// <param name="Method">Create and forget: the model's unlearning method (exact, certified).</param>
/// <param name="Call">Denied: Interface.Method of the refused call.</param>
/// <param name="Reason">Denied: why (unauthenticated, forbidden, internal method...).</param>
/// <param name="Count">Denied: how many identical refusals this entry stands for (refusals are grouped, so a flood of them cannot flood the log).</param>
[GenerateSerializer, Immutable, Alias("Unlearning.AuditEvent")]
public sealed record AuditEvent(
    [property: Id(0)] DateTimeOffset At,
    [property: Id(1)] AuditKind Kind,
    [property: Id(2)] string? Caller = null,
    [property: Id(3)] string? Model = null,
    [property: Id(4)] string? RequestId = null,
    [property: Id(5)] string? SubjectHash = null,
    [property: Id(6)] string? KeyId = null,
    [property: Id(7)] int? Shard = null,
    [property: Id(8)] long? Records = null,
    [property: Id(9)] long? Version = null,
    [property: Id(10)] string? Method = null,
    [property: Id(11)] int? Shards = null,
    [property: Id(12)] string? Call = null,
    [property: Id(13)] string? Reason = null,
    [property: Id(14)] int? Count = null)
{
    /// <summary>Nothing but the kind and the model: Orleans prints call arguments in some of its log lines.</summary>
    public override string ToString() => $"AuditEvent {{ {WireNames.Of(Kind)}, model {Model} }}";
}

/// <summary>
/// One link of the chain: entry <see cref="Sequence"/> (the first is 1), <see cref="Previous"/> the hash of the entry
/// before it (64 zeros for the first), and <see cref="Hash"/> the SHA-256 of its document (<see cref="AuditEntryDocument"/>)
/// without the hash itself. Altering, removing or reordering an entry breaks the chain at it.
/// </summary>
[GenerateSerializer, Immutable, Alias("Unlearning.AuditEntry")]
public sealed record AuditEntry(
    [property: Id(0)] long Sequence,
    [property: Id(1)] AuditEvent Event,
    [property: Id(2)] string Previous,
    [property: Id(3)] string Hash)
{
    public override string ToString() => $"AuditEntry {{ {Sequence}, {Event} }}";
}

/// <summary>
/// The entries that name a subject, found with each subject key in <see cref="KeyIds"/>, in log order.
/// </summary>
[GenerateSerializer, Immutable, Alias("Unlearning.SubjectAudit")]
public sealed record SubjectAudit(
    [property: Id(0)] string[] KeyIds,
    [property: Id(1)] AuditEntry[] Entries)
{
    /// <summary>The forgets that removed records.</summary>
    public IEnumerable<AuditEntry> Removals => Entries.Where(e => e.Event.Kind == AuditKind.Forget && e.Event.Records > 0);

    /// <summary>Whether a forget removed any of the subject's records.</summary>
    public bool Forgotten => Removals.Any();

    /// <summary>The models the subject's records were removed from, in the order of their first removal.</summary>
    public IReadOnlyList<string> Models => [.. Removals.Select(e => e.Event.Model!).Distinct(StringComparer.Ordinal)];

    public override string ToString() => $"SubjectAudit {{ {Entries.Length} entries }}";
}

/// <summary>
/// The chain as stored, walked from the first entry: <see cref="Intact"/>, or the first entry that is not what the
/// chain says it was (<see cref="FirstBad"/>, the sequence number expected there) and why. <see cref="Head"/>: the hash
/// of the last entry, which an auditor can keep to check later that nothing before it changed. <see cref="SignedBy"/>:
/// the signing key whose signature over the head checked out (null when the head carries none).
/// </summary>
[GenerateSerializer, Immutable, Alias("Unlearning.AuditVerification")]
public sealed record AuditVerification(
    [property: Id(0)] bool Intact,
    [property: Id(1)] long Entries,
    [property: Id(2)] string Head,
    [property: Id(3)] long? FirstBad = null,
    [property: Id(4)] string? Problem = null,
    [property: Id(5)] string? SignedBy = null);

/// <summary>Some entries of the log and how many it holds in all.</summary>
[GenerateSerializer, Immutable, Alias("Unlearning.AuditPage")]
public sealed record AuditPage(
    [property: Id(0)] AuditEntry[] Entries,
    [property: Id(1)] long Total)
{
    public override string ToString() => $"AuditPage {{ {Entries.Length} of {Total} }}";
}
