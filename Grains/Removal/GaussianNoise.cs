using Unlearning.Algebra;

namespace Unlearning.Removal;

/// <summary>
/// The objective's perturbation b ~ N(0, sigma^2 I), drawn from a seed so that a model can be retrained
/// with the very same b and so that every machine draws the same b: xoshiro256** uniforms, Marsaglia's
/// polar method (no sine or cosine) and <see cref="PortableMath.Log"/> keep every step platform-exact.
/// </summary>
public static class GaussianNoise
{
    /// <summary>
    /// <paramref name="dimension"/> independent N(0, sigma^2) draws for one (seed, stream) pair; each
    /// binary model of a one-vs-rest fit uses its own stream, so their noise vectors are independent.
    /// </summary>
    public static double[] Draw(ulong seed, int stream, int dimension, double sigma)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(dimension);
        ArgumentOutOfRangeException.ThrowIfNegative(stream);
        if (!(double.IsFinite(sigma) && sigma > 0)) throw new ArgumentOutOfRangeException(nameof(sigma), sigma, "sigma must be a finite number > 0");
        var mixer = seed ^ (0xA076_1D64_78BD_642FUL * (ulong)(stream + 1));
        var random = new Xoshiro256StarStar(Xoshiro256StarStar.SplitMix64(ref mixer));
        var values = new double[dimension];
        for (var i = 0; i < dimension; i += 2)
        {
            double u, v, s;
            do
            {
                u = random.NextSymmetricUnit();
                v = random.NextSymmetricUnit();
                s = u * u + v * v;
            } while (s >= 1 || s == 0);
            var scale = sigma * Math.Sqrt(-2 * PortableMath.Log(s) / s);
            values[i] = u * scale;
            if (i + 1 < dimension) values[i + 1] = v * scale;
        }
        return values;
    }
}
