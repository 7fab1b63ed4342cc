using System.Text.Json.Nodes;

namespace Unlearning.Compliance;

/// <summary>
/// Checks a hash chain of audit entries as stored: sequence numbers 1, 2, 3... with none missing or out of order, each
/// entry's hash what its content gives, each entry's <c>previous</c> the hash of the one before, and the last entry the
/// one the signed head names. Names the first entry that is not what the chain says it was.
/// </summary>
public static class AuditChain
{
    /// <summary>The document a head signature covers: the last entry's sequence number and hash.</summary>
    public static byte[] HeadBytes(long sequence, string hash) =>
        CanonicalJson.Encode(new JsonObject { ["auditHead"] = new JsonObject { ["sequence"] = sequence, ["hash"] = hash } });

    /// <summary>
    /// Walks <paramref name="entries"/> in stored order. <paramref name="head"/>: the last signed head found with them, if
    /// any; <paramref name="checkSignature"/> says whether its signature holds (and by which key id), so that a log cut
    /// short after its last signed head is found out.
    /// </summary>
    public static AuditVerification Verify(IEnumerable<AuditEntry> entries, AuditHead? head, Func<AuditHead, string?> checkSignature)
    {
        var previous = AuditEntryDocument.Genesis;
        long count = 0;
        var stored = entries as IReadOnlyList<AuditEntry> ?? [.. entries];
        for (var i = 0; i < stored.Count; i++)
        {
            var entry = stored[i];
            var expected = count + 1;
            if (entry.Sequence != expected)
            {
                var later = stored.Skip(i + 1).Any(e => e.Sequence == expected);
                var problem = later ? $"entry {expected} is out of order: entry {entry.Sequence} is stored where it belongs"
                    : entry.Sequence > expected ? $"entry {expected} is missing: the next stored entry is number {entry.Sequence}"
                    : $"entry {expected} is missing: entry {entry.Sequence} is stored again where it belongs";
                return Bad(count, previous, expected, problem);
            }
            if (entry.Previous != previous)
                return Bad(count, previous, expected, $"entry {expected} does not follow entry {count}: its 'previous' is not entry {count}'s hash (entry {count} was altered or replaced, or entry {expected} was)");
            if (AuditEntryDocument.HashOf(entry.Sequence, entry.Event, entry.Previous) != entry.Hash)
                return Bad(count, previous, expected, $"entry {expected} was altered: its content does not give its hash");
            previous = entry.Hash;
            count++;
        }

        if (head is null)
        {
            return count == 0
                ? new AuditVerification(true, 0, previous)
                : Bad(count, previous, count, $"the log carries no signed head, so entries after entry {count} may have been removed");
        }
        var signedBy = checkSignature(head);
        if (signedBy is null)
            return Bad(count, previous, head.Sequence, $"the signed head (entry {head.Sequence}) has a signature no cluster signing key made");
        if (head.Sequence > count)
            return Bad(count, previous, count + 1, $"entry {count + 1} is missing: the signed head names entry {head.Sequence}, the log ends at entry {count}");
        if (head.Sequence < count)
            return Bad(count, previous, head.Sequence + 1, $"entry {head.Sequence + 1} was added after the signed head (entry {head.Sequence})");
        if (head.Hash != previous)
            return Bad(count, previous, count, $"entry {count} is not the one the signed head names (its hash differs)");
        return new AuditVerification(true, count, previous, SignedBy: signedBy);
    }

    private static AuditVerification Bad(long count, string head, long firstBad, string problem) =>
        new(false, count, head, firstBad, problem);
}

/// <summary>The last entry of the log when it was stored, signed by the cluster's receipt-signing key.</summary>
[GenerateSerializer, Immutable, Alias("Unlearning.AuditHead")]
public sealed record AuditHead(
    [property: Id(0)] long Sequence,
    [property: Id(1)] string Hash,
    [property: Id(2)] string KeyId,
    [property: Id(3)] string Signature);

/// <summary>One stored row of the audit log: up to <see cref="AuditOptions.SegmentEntries"/> entries, and the head when it was written.</summary>
[GenerateSerializer, Alias("Unlearning.AuditSegment")]
public sealed class AuditSegment
{
    [Id(0)] public List<AuditEntry> Entries { get; set; } = [];
    [Id(1)] public AuditHead? Head { get; set; }
}
