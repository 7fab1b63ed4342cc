using System.Globalization;
using System.IO.Compression;
using Unlearning.Learning;

namespace Unlearning.TestKit;

/// <summary>A data set in the shared CSV shape (id first, numeric features, label last), loaded for tests and the benchmark.</summary>
public sealed class Dataset(string name, string[] featureNames, string[] labels, DataRecord[] records, string source)
{
    /// <summary>The seed of <see cref="Split"/>: tests and benchmark hold out the same records.</summary>
    public const ulong SplitSeed = 2024;

    public string Name { get; } = name;
    public string[] FeatureNames { get; } = featureNames;
    /// <summary>Distinct labels sorted ordinal, as the client's create command orders them.</summary>
    public string[] Labels { get; } = labels;
    public DataRecord[] Records { get; } = records;
    /// <summary>The file it was read from, or a description of how it was made.</summary>
    public string Source { get; } = source;
    public int FeatureCount => FeatureNames.Length;
    public int ClassCount => Labels.Length;
    public string Shape => $"{Records.Length:#,0} x {FeatureCount}";

    /// <summary>The breast cancer set the repository ships (copied beside the binaries from data/).</summary>
    public static Dataset Wdbc() => Load(Path.Combine(AppContext.BaseDirectory, "data", "breast_cancer_wdbc.csv"));

    /// <summary>A set from ../shared/data; null when it is absent (under CI=true, <see cref="SharedData.Find"/> throws instead).</summary>
    public static Dataset? Shared(string fileName) => SharedData.Find(fileName) is { } path ? Load(path) : null;

    public ModelConfig Config(string model, int shards, int slices, EnsembleMode ensemble = EnsembleMode.Average) =>
        new(model, FeatureNames, Labels, shards, slices, ModelConfig.DefaultLambda, ensemble, ModelConfig.DefaultMaxIterations);

    /// <summary>
    /// A certified model of one slice per shard, as the tests build it: lambda 0.01, delta 1e-5, sigma 1, centres and
    /// scales the mean and population standard deviation of every record of the set; noise seed 0 draws a secret one.
    /// </summary>
    public ModelConfig CertifiedConfig(string model, int shards, double epsilon = 10, ulong noiseSeed = 0)
    {
        var columns = Enumerable.Range(0, FeatureCount);
        var centres = columns.Select(j => Records.Average(r => r.Features[j])).ToArray();
        var scales = columns.Select(j => Math.Sqrt(Records.Average(r => Math.Pow(r.Features[j] - centres[j], 2)))).ToArray();
        return Config(model, shards, 1) with
        {
            Lambda = 1e-2,
            Method = UnlearningMethod.Certified,
            Certified = new CertifiedOptions(epsilon, 1e-5, 1.0, centres, scales, noiseSeed),
        };
    }

    /// <summary>A fixed 80/20 split by a stable hash of the record id.</summary>
    public (DataRecord[] Train, DataRecord[] Holdout) Split()
    {
        static bool InHoldout(DataRecord r) => StableKeyHash.Of(r.Id, SplitSeed) % 5 == 0;
        return ([.. Records.Where(r => !InHoldout(r))], [.. Records.Where(InHoldout)]);
    }

    /// <summary>The first <paramref name="count"/> records, as a data set of its own.</summary>
    public Dataset Take(int count, string? name = null) =>
        count >= Records.Length ? this : new Dataset(name ?? $"{Name}[{count}]", FeatureNames, Labels, Records[..count], Source);

    /// <summary>Reads a CSV file (gzip-compressed when its name ends in .gz); each record is its own subject.</summary>
    public static Dataset Load(string path)
    {
        using var stream = File.OpenRead(path);
        using var reader = path.EndsWith(".gz", StringComparison.OrdinalIgnoreCase)
            ? new StreamReader(new GZipStream(stream, CompressionMode.Decompress))
            : new StreamReader(stream);
        var header = (reader.ReadLine() ?? throw new InvalidDataException($"{path} is empty")).Split(',');
        if (header[0] != "id" || header[^1] != "label") throw new InvalidDataException($"{path}: expected id first and label last");
        var featureNames = header[1..^1];
        var rows = new List<(string Id, double[] Features, string Label)>();
        while (reader.ReadLine() is { } line)
        {
            if (line.Length == 0) continue;
            var cells = line.Split(',');
            var features = new double[featureNames.Length];
            for (var j = 0; j < features.Length; j++) features[j] = double.Parse(cells[j + 1], CultureInfo.InvariantCulture);
            rows.Add((cells[0], features, cells[^1]));
        }
        var labels = rows.Select(r => r.Label).Distinct().OrderBy(l => l, StringComparer.Ordinal).ToArray();
        var labelIndex = labels.Select((l, i) => (l, i)).ToDictionary(p => p.l, p => p.i);
        var records = rows.Select(r => new DataRecord(r.Id, r.Id, r.Features, labelIndex[r.Label])).ToArray();
        var name = Path.GetFileName(path);
        foreach (var suffix in new[] { ".gz", ".csv" })
            if (name.EndsWith(suffix, StringComparison.OrdinalIgnoreCase)) name = name[..^suffix.Length];
        return new Dataset(name, featureNames, labels, records, path);
    }
}
