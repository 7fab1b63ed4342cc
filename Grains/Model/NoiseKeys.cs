using System.Buffers.Binary;
using System.Security.Cryptography;
using Unlearning.Removal;

namespace Unlearning.Model;

/// <summary>
/// A certified model's secret noise key, drawn when the model is created. A caller may not choose it (knowing the noise
/// lets anyone tell a Newton-updated model from a retrained one), unless the silo runs with the test-only option
/// <see cref="UnlearningOptions.AllowChosenNoiseSeed"/>, for reproducible benchmarks and tests.
/// </summary>
internal static class NoiseKeys
{
    public static byte[] For(CertifiedOptions certified, UnlearningOptions options)
    {
        if (certified.NoiseSeed == 0) return RandomNumberGenerator.GetBytes(CertifiedConfig.NoiseKeyBytes);
        if (!options.AllowChosenNoiseSeed)
        {
            throw new ArgumentException("a chosen noise seed would let anyone who knows it undo certified removal's guarantee; " +
                "leave it out and the model draws a secret key (the test-only option Unlearning:AllowChosenNoiseSeed allows one)");
        }
        Span<byte> seed = stackalloc byte[8];
        BinaryPrimitives.WriteUInt64LittleEndian(seed, certified.NoiseSeed);
        return SHA256.HashData(seed);
    }
}
