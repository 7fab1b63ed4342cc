using System.Text.Json;
using System.Text.Json.Nodes;
using Unlearning.Compliance;

namespace Unlearning.Tests.Compliance;

/// <summary>A receipt signed with the cluster's key checks out offline, and fails on any change to any of its fields.</summary>
public sealed class ReceiptSignatureTests : IDisposable
{
    private readonly SigningKey _key = SigningKey.Generate();

    private static readonly ForgetReceipt Receipt = new("0123456789abcdef0123456789abcdef", "wdbc", "P000123", 2, 5, 1, 7, 8,
        ForgetMethod.Exact, 41, 4, new DateTimeOffset(2026, 11, 30, 12, 0, 0, 125, TimeSpan.Zero), null, null);

    public void Dispose() => _key.Dispose();

    private JsonObject Signed()
    {
        var receipt = Receipt with { KeyId = _key.Id };
        receipt = receipt with { Signature = _key.Sign(ReceiptDocument.SignedBytes(receipt)) };
        // As the CLI prints it and an auditor stores it: text, read back.
        return JsonNode.Parse(ReceiptDocument.ToJson(receipt).ToJsonString())!.AsObject();
    }

    [Fact]
    public void A_signed_receipt_checks_out_with_the_public_key()
    {
        var verified = ReceiptCheck.Check(Signed(), _key.PublicPem);
        Assert.Equal((Receipt.RequestId, _key.Id, "2026-11-30T12:00:00.125Z"), (verified.RequestId, verified.KeyId, verified.IssuedAt));
    }

    public static TheoryData<string> Members() =>
        ["requestId", "model", "subject", "shard", "recordsRemoved", "slicesRetrained", "versionBefore", "versionAfter", "method", "elapsedMs",
            "shardsUsed", "issuedAt", "keyId", "signature"];

    [Theory]
    [MemberData(nameof(Members))]
    public void Changing_any_field_breaks_the_check(string member)
    {
        var receipt = Signed();
        Assert.True(receipt.ContainsKey(member), $"the receipt has no {member}");
        var value = receipt[member]!;
        receipt[member] = value.GetValueKind() == JsonValueKind.Number ? value.GetValue<long>() + 1
            : member == "signature" ? Flip(value.GetValue<string>())
            : value.GetValue<string>() + "x";
        Assert.Throws<InvalidDataException>(() => ReceiptCheck.Check(receipt, _key.PublicPem));
    }

    [Theory]
    [MemberData(nameof(Members))]
    public void Removing_any_field_breaks_the_check(string member)
    {
        var receipt = Signed();
        receipt.Remove(member);
        Assert.Throws<InvalidDataException>(() => ReceiptCheck.Check(receipt, _key.PublicPem));
    }

    [Fact]
    public void An_added_field_or_a_number_written_as_text_breaks_the_check()
    {
        var added = Signed();
        added["note"] = "approved";
        Assert.Throws<InvalidDataException>(() => ReceiptCheck.Check(added, _key.PublicPem));
        var retyped = Signed();
        retyped["recordsRemoved"] = "5";
        Assert.Throws<InvalidDataException>(() => ReceiptCheck.Check(retyped, _key.PublicPem));
    }

    [Fact]
    public void Reordered_members_and_whitespace_do_not_matter()
    {
        var receipt = Signed();
        var reordered = new JsonObject();
        foreach (var (name, value) in receipt.Reverse()) reordered[name] = value?.DeepClone();
        var text = reordered.ToJsonString(new JsonSerializerOptions { WriteIndented = true });
        ReceiptCheck.Check(Assert.Single(ReceiptCheck.Parse(text, "receipt.json")), _key.PublicPem);
    }

    [Fact]
    public void Another_key_is_refused_naming_both_keys()
    {
        using var other = SigningKey.Generate();
        var error = Assert.Throws<InvalidDataException>(() => ReceiptCheck.Check(Signed(), other.PublicPem));
        Assert.Contains(_key.Id, error.Message);
        Assert.Contains(other.Id, error.Message);
        // The same receipt re-labelled with the other key's id: the signature does not match that key.
        var relabelled = Signed();
        relabelled["keyId"] = other.Id;
        Assert.Contains("does not match", Assert.Throws<InvalidDataException>(() => ReceiptCheck.Check(relabelled, other.PublicPem)).Message);
    }

    [Fact]
    public void Receipts_one_a_line_are_each_read()
    {
        var line = Signed().ToJsonString();
        Assert.Equal(2, ReceiptCheck.Parse($"{line}\n{line}\n", "batch.jsonl").Count);
        Assert.Contains("line 2", Assert.Throws<FormatException>(() => ReceiptCheck.Parse($"{line}\n{{oops\n", "batch.jsonl")).Message);
    }

    private static string Flip(string base64)
    {
        var bytes = Convert.FromBase64String(base64);
        bytes[^1] ^= 1;
        return Convert.ToBase64String(bytes);
    }
}
