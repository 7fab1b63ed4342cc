using System.Security.Cryptography;
using System.Text.Json.Nodes;

namespace Unlearning;

/// <summary>
/// An audit entry as a JSON document: what <c>unlearn audit --json</c> prints, and what its hash is computed over.
/// Members (those without a value are left out): <c>sequence, at, kind, caller, model, requestId, subjectHash, keyId,
/// shard, records, version, method, shards, call, reason, count, previous, hash</c>. <c>hash</c> is the lower-case hex
/// SHA-256 of the <see cref="CanonicalJson"/> encoding of every other member, <c>previous</c> included: so each entry
/// commits to the one before it, and an auditor can re-check the chain from a listing with any JSON library.
/// </summary>
public static class AuditEntryDocument
{
    public const string HashMember = "hash";

    /// <summary>The <c>previous</c> of the first entry.</summary>
    public static readonly string Genesis = new('0', 64);

    public static JsonObject ToJson(AuditEntry entry)
    {
        var document = Unhashed(entry.Sequence, entry.Event, entry.Previous);
        document[HashMember] = entry.Hash;
        return document;
    }

    /// <summary>The hash entry <paramref name="sequence"/> must carry, given its event and the hash before it.</summary>
    public static string HashOf(long sequence, AuditEvent auditEvent, string previous) =>
        HashOf(Unhashed(sequence, auditEvent, previous));

    /// <summary>The hash of a document: SHA-256 of the canonical encoding of every member but <c>hash</c>.</summary>
    public static string HashOf(JsonObject document)
    {
        var hashed = new JsonObject();
        foreach (var (name, value) in document)
        {
            if (name != HashMember) hashed[name] = value?.DeepClone();
        }
        return Convert.ToHexStringLower(SHA256.HashData(CanonicalJson.Encode(hashed)));
    }

    /// <summary>An entry chained after <paramref name="previous"/>.</summary>
    public static AuditEntry Chain(long sequence, AuditEvent auditEvent, string previous) =>
        new(sequence, auditEvent, previous, HashOf(sequence, auditEvent, previous));

    private static JsonObject Unhashed(long sequence, AuditEvent e, string previous)
    {
        var document = new JsonObject
        {
            ["sequence"] = sequence,
            ["at"] = ReceiptDocument.Timestamp(e.At),
            ["kind"] = WireNames.Of(e.Kind),
        };
        Add(document, "caller", e.Caller);
        Add(document, "model", e.Model);
        Add(document, "requestId", e.RequestId);
        Add(document, "subjectHash", e.SubjectHash);
        Add(document, "keyId", e.KeyId);
        Add(document, "shard", e.Shard);
        Add(document, "records", e.Records);
        Add(document, "version", e.Version);
        Add(document, "method", e.Method);
        Add(document, "shards", e.Shards);
        Add(document, "call", e.Call);
        Add(document, "reason", e.Reason);
        Add(document, "count", e.Count);
        document["previous"] = previous;
        return document;
    }

    private static void Add(JsonObject document, string name, string? value)
    {
        if (value is not null) document[name] = value;
    }

    private static void Add(JsonObject document, string name, long? value)
    {
        if (value is { } number) document[name] = number;
    }
}
