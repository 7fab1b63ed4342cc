using System.Security.Cryptography;
using System.Text;

namespace Unlearning.Compliance;

/// <summary>
/// A key that turns subject ids into the audit log's opaque references: HMAC-SHA256 of the subject's UTF-8 bytes, in
/// lower-case hex. Without the key, a reference cannot be tested against a guessed id.
/// </summary>
public sealed class SubjectKey(string id, byte[] secret)
{
    /// <summary>The id of the key the cluster keeps in its store when none is configured.</summary>
    public const string StoredId = "stored";

    /// <summary>The least key length accepted.</summary>
    public const int MinBytes = 32;

    public string Id { get; } = id;

    public string Hash(string subject) => Convert.ToHexStringLower(HMACSHA256.HashData(secret, Encoding.UTF8.GetBytes(subject)));

    /// <summary>No secret: Ids only.</summary>
    public override string ToString() => $"SubjectKey {{ {Id} }}";
}
