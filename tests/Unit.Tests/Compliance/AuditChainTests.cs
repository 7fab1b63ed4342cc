using Unlearning.Compliance;

namespace Unlearning.Tests.Compliance;

/// <summary>The chain walk names the first entry that is not what the chain says it was.</summary>
public sealed class AuditChainTests : IDisposable
{
    private static readonly DateTimeOffset At = new(2026, 11, 30, 9, 0, 0, TimeSpan.Zero);
    private readonly SigningKey _key = SigningKey.Generate();

    public void Dispose() => _key.Dispose();

    private static List<AuditEntry> Chain(int count)
    {
        var entries = new List<AuditEntry>();
        var previous = AuditEntryDocument.Genesis;
        for (var i = 1; i <= count; i++)
        {
            var entry = AuditEntryDocument.Chain(i, new AuditEvent(At.AddMinutes(i), AuditKind.Forget, "alice", "m", $"r{i}", new string('a', 64), "k1", 0, i), previous);
            entries.Add(entry);
            previous = entry.Hash;
        }
        return entries;
    }

    private AuditHead Head(IReadOnlyList<AuditEntry> entries) =>
        new(entries[^1].Sequence, entries[^1].Hash, _key.Id, _key.Sign(AuditChain.HeadBytes(entries[^1].Sequence, entries[^1].Hash)));

    private AuditVerification Verify(IEnumerable<AuditEntry> entries, AuditHead? head) =>
        AuditChain.Verify(entries, head, h => SigningKey.Verify(_key.PublicPem, AuditChain.HeadBytes(h.Sequence, h.Hash), h.Signature) ? _key.Id : null);

    [Fact]
    public void An_untouched_chain_is_intact_and_signed()
    {
        var entries = Chain(5);
        var verification = Verify(entries, Head(entries));
        Assert.True(verification.Intact, verification.Problem);
        Assert.Equal((5L, entries[^1].Hash, _key.Id), (verification.Entries, verification.Head, verification.SignedBy));
        Assert.True(Verify([], null).Intact);
    }

    [Fact]
    public void Each_kind_of_tampering_names_the_first_bad_entry()
    {
        var entries = Chain(5);
        var head = Head(entries);
        (string What, List<AuditEntry> Entries, long FirstBad, string Problem)[] cases =
        [
            ("edited", [.. entries.Select(e => e.Sequence == 3 ? e with { Event = e.Event with { Records = 0 } } : e)], 3, "altered"),
            ("caller edited", [.. entries.Select(e => e.Sequence == 2 ? e with { Event = e.Event with { Caller = "mallory" } } : e)], 2, "altered"),
            ("deleted", [.. entries.Where(e => e.Sequence != 3)], 3, "missing"),
            ("swapped", [entries[0], entries[2], entries[1], entries[3], entries[4]], 2, "out of order"),
            ("renumbered after a deletion", Renumbered(entries.Where(e => e.Sequence != 2)), 2, "does not follow entry 1"),
            ("last removed", [.. entries.Take(4)], 5, "signed head"),
            ("rehashed", Rehashed(entries, 4), 5, "does not follow entry 4"),
        ];
        foreach (var (what, tampered, firstBad, problem) in cases)
        {
            var verification = Verify(tampered, head);
            Assert.False(verification.Intact, what);
            Assert.True(verification.FirstBad == firstBad, $"{what}: first bad {verification.FirstBad}, {verification.Problem}");
            Assert.Contains(problem, verification.Problem);
        }
    }

    [Fact]
    public void A_head_with_a_forged_signature_or_no_head_at_all_is_reported()
    {
        var entries = Chain(3);
        using var other = SigningKey.Generate();
        var forged = new AuditHead(3, entries[^1].Hash, _key.Id, other.Sign(AuditChain.HeadBytes(3, entries[^1].Hash)));
        Assert.Contains("no cluster signing key", Verify(entries, forged).Problem);
        Assert.Contains("no signed head", Verify(entries, null).Problem);
    }

    [Fact]
    public void The_hash_covers_every_member_of_the_entry_document()
    {
        var entry = Chain(1)[0];
        var document = AuditEntryDocument.ToJson(entry);
        Assert.Equal(entry.Hash, AuditEntryDocument.HashOf(document));
        foreach (var name in document.Select(m => m.Key).Where(n => n != AuditEntryDocument.HashMember).ToArray())
        {
            var changed = document.DeepClone().AsObject();
            changed.Remove(name);
            Assert.NotEqual(entry.Hash, AuditEntryDocument.HashOf(changed));
        }
    }

    private static List<AuditEntry> Renumbered(IEnumerable<AuditEntry> entries) =>
        [.. entries.Select((e, i) => e with { Sequence = i + 1 })];

    private static List<AuditEntry> Rehashed(List<AuditEntry> entries, int sequence)
    {
        List<AuditEntry> copy = [.. entries];
        var at = sequence - 1;
        copy[at] = AuditEntryDocument.Chain(sequence, entries[at].Event with { Records = 99 }, entries[at - 1].Hash);
        return copy;
    }
}
