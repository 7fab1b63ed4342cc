using System.Security.Cryptography;
using System.Text;

namespace Unlearning.Logging;

/// <summary>
/// A reference to a subject or record for a log line, never the value itself: <c>subject#3fa2c1d0</c>, the first four
/// bytes of an HMAC-SHA256 under a key drawn at random when the process starts. Lines of one silo run that name the
/// same subject can be matched with each other; nothing in the log leads back to the subject, and after a restart the
/// same subject gets another reference.
/// </summary>
public static class LogHash
{
    private static readonly byte[] Key = RandomNumberGenerator.GetBytes(32);

    public static string Subject(string subject) => Of("subject", subject);

    public static string Record(string id) => Of("record", id);

    public static string Of(string kind, string value)
    {
        Span<byte> hash = stackalloc byte[HMACSHA256.HashSizeInBytes];
        HMACSHA256.HashData(Key, Encoding.UTF8.GetBytes(value), hash);
        return $"{kind}#{Convert.ToHexStringLower(hash[..4])}";
    }
}
