using System.IO.Hashing;
using System.Text;

namespace Unlearning.Learning;

/// <summary>
/// A hash that is the same in every process and on every machine (unlike string.GetHashCode),
/// so anything routed or persisted by it stays where it was put.
/// </summary>
public static class StableKeyHash
{
    public static ulong Of(string value, ulong seed)
    {
        var byteCount = Encoding.UTF8.GetByteCount(value);
        Span<byte> buffer = byteCount <= 256 ? stackalloc byte[byteCount] : new byte[byteCount];
        Encoding.UTF8.GetBytes(value, buffer);
        return XxHash3.HashToUInt64(buffer, (long)seed);
    }
}
