using System.Runtime.InteropServices;
using System.Security.Cryptography;

namespace Unlearning.Shard;

/// <summary>A fingerprint of weights: SHA-256 of their little-endian bytes, in lower-case hex; the same on every machine.</summary>
internal static class WeightDigest
{
    public static string? Of(double[]? weights) => weights is null
        ? null
        : BitConverter.IsLittleEndian
            ? Convert.ToHexStringLower(SHA256.HashData(MemoryMarshal.AsBytes(weights.AsSpan())))
            : Convert.ToHexStringLower(SHA256.HashData([.. weights.SelectMany(w => BitConverter.GetBytes(w).Reverse())]));
}
