using System.Security.Cryptography;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Unlearning;

/// <summary>
/// Checks a receipt document (<see cref="ReceiptDocument"/>) against the cluster's public key, offline: the key must be
/// the one the receipt names (<c>keyId</c>) and the signature must cover the canonical encoding of every other member as
/// they are now. Any member added, removed or changed, the signature's included, makes it fail.
/// </summary>
public static class ReceiptCheck
{
    /// <summary>What a receipt that checked out says about itself.</summary>
    public sealed record Verified(string RequestId, string KeyId, string IssuedAt);

    /// <summary>The receipts of <paramref name="text"/>: one JSON object, or JSON Lines (one receipt a line, as batches print them).</summary>
    public static IReadOnlyList<JsonObject> Parse(string text, string fileName)
    {
        var trimmed = text.Trim();
        if (trimmed.Length == 0) throw new FormatException($"{fileName} is empty: expected a receipt (the JSON `unlearn forget --json` prints)");
        try
        {
            if (JsonNode.Parse(trimmed) is JsonObject single) return [single];
        }
        catch (JsonException)
        {
            // Not one document: JSON Lines, perhaps.
        }
        var receipts = new List<JsonObject>();
        var lines = text.Split('\n');
        for (var i = 0; i < lines.Length; i++)
        {
            if (lines[i].Trim().Length == 0) continue;
            try
            {
                receipts.Add(JsonNode.Parse(lines[i]) as JsonObject
                    ?? throw new FormatException($"{fileName} line {i + 1}: not a JSON object"));
            }
            catch (JsonException e)
            {
                throw new FormatException($"{fileName} line {i + 1}: not JSON ({e.Message})");
            }
        }
        return receipts;
    }

    /// <summary>Checks <paramref name="receipt"/> against <paramref name="publicKeyPem"/>; throws naming what is wrong.</summary>
    public static Verified Check(JsonObject receipt, string publicKeyPem)
    {
        using var key = ECDsa.Create();
        try
        {
            key.ImportFromPem(publicKeyPem);
        }
        catch (Exception e) when (e is ArgumentException or CryptographicException)
        {
            throw new FormatException($"the public key is not an ECDSA PEM public key ({e.GetType().Name}); `unlearn signing-key --public` prints it");
        }
        if (key.KeySize != 256) throw new FormatException($"the public key is on a {key.KeySize}-bit curve; receipts are signed with P-256");
        var keyId = ReceiptDocument.KeyIdOf(key.ExportSubjectPublicKeyInfo());

        var requestId = Text(receipt, "requestId");
        var signature = Text(receipt, ReceiptDocument.SignatureMember);
        var named = Text(receipt, "keyId");
        var issued = Text(receipt, "issuedAt");
        if (named != keyId)
            throw new InvalidDataException($"receipt {requestId} names signing key {named}, not this public key ({keyId}): use the key it names (`unlearn signing-key --public --json` lists earlier keys), or the keyId was changed");
        byte[] der;
        try
        {
            der = Convert.FromBase64String(signature);
        }
        catch (FormatException)
        {
            throw new InvalidDataException($"receipt {requestId}: the signature is not base64");
        }
        byte[] signed;
        try
        {
            signed = ReceiptDocument.SignedBytes(receipt);
        }
        catch (FormatException e)
        {
            throw new InvalidDataException($"receipt {requestId}: {e.Message}");
        }
        if (!key.VerifyData(signed, der, HashAlgorithmName.SHA256, DSASignatureFormat.Rfc3279DerSequence))
            throw new InvalidDataException($"receipt {requestId}: the signature does not match its fields: a field was changed, added or removed since key {keyId} signed it");
        return new Verified(requestId, keyId, issued);
    }

    private static string Text(JsonObject receipt, string member) =>
        receipt[member] is JsonValue value && value.GetValueKind() == JsonValueKind.String
            ? value.GetValue<string>()
            : throw new InvalidDataException(receipt.ContainsKey(member)
                ? $"the receipt's '{member}' is not a string"
                : $"the receipt has no '{member}': {(member is "signature" or "keyId" or "issuedAt" ? "it was not signed (made before receipts were signed?) or the member was removed" : "not a receipt")}");
}
