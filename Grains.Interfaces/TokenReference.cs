using System.Buffers;
using System.Buffers.Text;
using System.Security.Cryptography;
using System.Text;

namespace Unlearning;

/// <summary>
/// A short stand-in for a token that a silo has already verified: the base64url SHA-256 of the token's UTF-8 bytes,
/// 43 characters in place of the several hundred of a JWT. A client sends its token itself until the cluster has
/// answered a call that carried it, then this reference under <see cref="TokenDefaults.ReferenceContextKey"/>; a silo
/// resolves it only from the tokens it verified itself, and only until their <c>exp</c>. A silo that does not hold it
/// refuses the call with <see cref="UnknownTokenReferenceException"/> before any grain code runs, and the client sends
/// that call again with the token. Keep it as secret as the token: while cached, it grants what the token grants.
/// </summary>
public static class TokenReference
{
    /// <summary>The length of every reference: 32 bytes in unpadded base64url.</summary>
    public const int Length = 43;

    /// <summary>The reference of <paramref name="token"/> (the compact JWT).</summary>
    public static string Of(string token)
    {
        Span<byte> digest = stackalloc byte[SHA256.HashSizeInBytes];
        SHA256.HashData(Encoding.UTF8.GetBytes(token), digest);
        return Base64Url.EncodeToString(digest);
    }

    /// <summary>The SHA-256 a reference stands for, into <paramref name="digest"/> (32 bytes); false for anything else.</summary>
    public static bool TryDecode(string? reference, Span<byte> digest) =>
        reference is { Length: Length } && digest.Length == SHA256.HashSizeInBytes
        && Base64Url.DecodeFromChars(reference, digest, out _, out var written) == OperationStatus.Done && written == SHA256.HashSizeInBytes;
}
