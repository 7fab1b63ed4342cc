using Unlearning.TestKit;
namespace Unlearning.Bench.Data;

/// <summary>
/// A deterministic binary classification set with a logistic ground truth: standard normal latent
/// features z, observed as x = mean + scale * z (so standardisation matters), and label ~ Bernoulli(sigmoid(b + w.z)).
/// Row i depends only on (seed, i), so any prefix is the same set at every size and the rows generate in parallel.
/// </summary>
public static class SyntheticData
{
    public const ulong DefaultSeed = 20240601;

    public static Dataset Generate(int rows, int features, ulong seed = DefaultSeed)
    {
        var parameters = new SplitMix64(seed);
        var means = new double[features];
        var scales = new double[features];
        var truth = new double[features];
        for (var j = 0; j < features; j++)
        {
            means[j] = (parameters.NextDouble() * 2 - 1) * 10;
            scales[j] = Math.Exp((parameters.NextDouble() * 2 - 1) * 2);
            truth[j] = parameters.NextGaussian() * 2.0 / Math.Sqrt(features);
        }
        var bias = 0.25;

        var records = new DataRecord[rows];
        Parallel.For(0, (rows + 4095) / 4096, block =>
        {
            var end = Math.Min(rows, (block + 1) * 4096);
            for (var i = block * 4096; i < end; i++)
            {
                var random = new SplitMix64(seed ^ (0x9E3779B97F4A7C15UL * (ulong)(i + 1)));
                var x = new double[features];
                var logit = bias;
                for (var j = 0; j < features; j++)
                {
                    var z = random.NextGaussian();
                    logit += truth[j] * z;
                    x[j] = means[j] + scales[j] * z;
                }
                var label = random.NextDouble() < 1 / (1 + Math.Exp(-logit)) ? 1 : 0;
                var id = $"R{i:D7}";
                records[i] = new DataRecord(id, id, x, label);
            }
        });
        var names = Enumerable.Range(0, features).Select(j => $"f{j:D2}").ToArray();
        return new Dataset($"synthetic-{Describe(rows)}x{features}", names, ["0", "1"], records,
            $"SyntheticData.Generate(rows: {rows}, features: {features}, seed: {seed})");
    }

    public static string Describe(int rows) =>
        rows >= 1_000_000 && rows % 1_000_000 == 0 ? $"{rows / 1_000_000}M"
        : rows >= 1_000 && rows % 1_000 == 0 ? $"{rows / 1_000}k"
        : rows.ToString(System.Globalization.CultureInfo.InvariantCulture);

    /// <summary>SplitMix64: tiny, fast, and fixed forever (System.Random's algorithm may change between .NET versions).</summary>
    private struct SplitMix64(ulong state)
    {
        private ulong _state = state;

        public ulong Next()
        {
            var z = _state += 0x9E3779B97F4A7C15UL;
            z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
            z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
            return z ^ (z >> 31);
        }

        /// <summary>Uniform in (0, 1).</summary>
        public double NextDouble() => ((Next() >> 11) + 0.5) * (1.0 / (1UL << 53));

        public double NextGaussian() =>
            Math.Sqrt(-2 * Math.Log(NextDouble())) * Math.Cos(2 * Math.PI * NextDouble());
    }
}
