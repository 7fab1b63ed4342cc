using System.Globalization;
using System.Security.Cryptography;
using System.Text.Json.Nodes;

namespace Unlearning;

/// <summary>
/// A forget receipt as a JSON document: what <c>unlearn forget --json</c> prints, what the cluster signs and what
/// <c>unlearn verify-receipt</c> checks. The signature is ECDSA P-256 with SHA-256 over the <see cref="CanonicalJson"/>
/// encoding of every member but <c>signature</c>, DER-encoded (RFC 3279) in base64: so any change to any field, an added
/// or a removed one included, breaks it. <c>keyId</c> names the signing key: the first 16 bytes of the SHA-256 of its
/// public key's DER SubjectPublicKeyInfo, in lower-case hex (<c>openssl pkey -pubin -in key.pem -outform DER | sha256sum
/// | cut -c1-32</c>).
/// </summary>
public static class ReceiptDocument
{
    public const string SignatureMember = "signature";

    /// <summary>The receipt's members in their printed order; <c>issuedAt</c>, <c>keyId</c> and <c>signature</c> only when signed.</summary>
    public static JsonObject ToJson(ForgetReceipt receipt)
    {
        var document = new JsonObject
        {
            ["requestId"] = receipt.RequestId,
            ["model"] = receipt.Model,
            ["subject"] = receipt.Subject,
            ["shard"] = receipt.Shard,
            ["recordsRemoved"] = receipt.RecordsRemoved,
            ["slicesRetrained"] = receipt.SlicesRetrained,
            ["versionBefore"] = receipt.VersionBefore,
            ["versionAfter"] = receipt.VersionAfter,
            ["method"] = WireNames.Of(receipt.Method),
            ["elapsedMs"] = receipt.ElapsedMs,
            ["shardsUsed"] = receipt.ShardsUsed,
        };
        if (receipt.IssuedAt is { } issued) document["issuedAt"] = Timestamp(issued);
        if (receipt.KeyId is not null) document["keyId"] = receipt.KeyId;
        if (receipt.Signature is not null) document[SignatureMember] = receipt.Signature;
        return document;
    }

    /// <summary>The bytes a receipt's signature covers: the canonical encoding of its document without the signature.</summary>
    public static byte[] SignedBytes(ForgetReceipt receipt) => SignedBytes(ToJson(receipt with { Signature = null }));

    /// <summary>The bytes <paramref name="document"/>'s signature covers: every member but <c>signature</c>, canonically encoded.</summary>
    public static byte[] SignedBytes(JsonObject document)
    {
        var signed = new JsonObject();
        foreach (var (name, value) in document)
        {
            if (name != SignatureMember) signed[name] = value?.DeepClone();
        }
        return CanonicalJson.Encode(signed);
    }

    /// <summary>The id of a signing key: the first 16 bytes of the SHA-256 of its DER SubjectPublicKeyInfo, lower-case hex.</summary>
    public static string KeyIdOf(ReadOnlySpan<byte> subjectPublicKeyInfo) =>
        Convert.ToHexStringLower(SHA256.HashData(subjectPublicKeyInfo)[..16]);

    /// <summary>UTC to the millisecond, e.g. 2026-05-01T09:30:00.125Z: the one form timestamps take in signed documents.</summary>
    public static string Timestamp(DateTimeOffset at) =>
        at.ToUniversalTime().ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture);

    /// <summary><paramref name="at"/> cut to the millisecond, so that it and its <see cref="Timestamp"/> say the same.</summary>
    public static DateTimeOffset ToMilliseconds(DateTimeOffset at) =>
        new(at.UtcTicks - at.UtcTicks % TimeSpan.TicksPerMillisecond, TimeSpan.Zero);
}
