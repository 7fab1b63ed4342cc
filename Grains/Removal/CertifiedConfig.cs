using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Text;

using Unlearning.Learning;

namespace Unlearning.Removal;

/// <summary>What a certified model's config means to the removal maths: its feature transform, settings and noise.</summary>
internal static class CertifiedConfig
{
    /// <summary>Bytes of a model's secret noise key.</summary>
    public const int NoiseKeyBytes = 32;

    public static UnitBallTransform Transform(ModelConfig config) =>
        new(config.FeatureCount, config.Certified!.FeatureCentres, config.Certified.FeatureScales, intercept: true);

    public static CertificationSettings Settings(ModelConfig config) =>
        new(config.Lambda, config.Certified!.Sigma, config.Certified.Epsilon, config.Certified.Delta);

    /// <summary>
    /// The noise seed of a shard's <paramref name="refit"/>-th exact refit: HMAC-SHA256 of the model's secret key. Every
    /// refit of every shard draws noise of its own, so knowing one refit's noise (an exact refit on known rows reveals
    /// it) tells nothing of any other; without the key, none can be computed.
    /// </summary>
    public static ulong NoiseSeed(byte[] noiseKey, int shard, long refit)
    {
        if (noiseKey is not { Length: NoiseKeyBytes }) throw new ArgumentException($"a noise key has {NoiseKeyBytes} bytes", nameof(noiseKey));
        var mac = HMACSHA256.HashData(noiseKey, Encoding.UTF8.GetBytes($"noise/{shard}/{refit}"));
        return BinaryPrimitives.ReadUInt64LittleEndian(mac);
    }

    /// <summary>A noise seed nobody else will ever use: for previews (dry runs), never for a model that is served.</summary>
    public static ulong ThrowawayNoiseSeed() => BinaryPrimitives.ReadUInt64LittleEndian(RandomNumberGenerator.GetBytes(8));

    /// <param name="transformed">The shard's rows, already transformed by <see cref="Transform"/>.</param>
    public static CertifiedModel Fit(TrainingSet transformed, ModelConfig config, ulong noiseSeed) =>
        CertifiedTrainer.Fit(transformed, Settings(config), noiseSeed).Model;

    /// <summary>A model rebuilt from what a shard persisted of it.</summary>
    public static CertifiedModel Restore(ModelConfig config, ulong noiseSeed, int rows, double[][] weights, double[] residualBounds) =>
        new(Settings(config), noiseSeed, config.ClassCount, rows, weights, residualBounds);
}
