using System.Globalization;
using System.IO.Compression;
using Unlearning.Learning;

namespace Unlearning.Bench.Data;

/// <summary>A data set in the shared CSV shape (id first, numeric features, label last), or a synthetic one.</summary>
public sealed class BenchDataset
{
    public BenchDataset(string name, string[] featureNames, string[] labels, DataRecord[] records, string source)
    {
        Name = name;
        FeatureNames = featureNames;
        Labels = labels;
        Records = records;
        Source = source;
    }

    public string Name { get; }
    public string[] FeatureNames { get; }
    /// <summary>Distinct labels sorted ordinal, as the client's create command orders them.</summary>
    public string[] Labels { get; }
    public DataRecord[] Records { get; }
    public string Source { get; }
    public int FeatureCount => FeatureNames.Length;
    public int ClassCount => Labels.Length;

    public string Shape => $"{Records.Length:#,0} x {FeatureCount}";

    public ModelConfig Config(string model, int shards, int slices) =>
        new(model, FeatureNames, Labels, shards, slices, ModelConfig.DefaultLambda, EnsembleMode.Average, ModelConfig.DefaultMaxIterations);

    /// <summary>The cluster tests' fixed 80/20 split by a stable hash of the record id.</summary>
    public (DataRecord[] Train, DataRecord[] Holdout) Split()
    {
        static bool InHoldout(DataRecord r) => StableKeyHash.Of(r.Id, 2024) % 5 == 0;
        return (Records.Where(r => !InHoldout(r)).ToArray(), Records.Where(InHoldout).ToArray());
    }

    /// <summary>The first <paramref name="count"/> records, as a data set of its own.</summary>
    public BenchDataset Take(int count, string? name = null) =>
        count >= Records.Length ? this : new BenchDataset(name ?? $"{Name}[{count}]", FeatureNames, Labels, Records[..count], Source);

    public static BenchDataset Load(string path)
    {
        using var stream = File.OpenRead(path);
        using var reader = path.EndsWith(".gz", StringComparison.OrdinalIgnoreCase)
            ? new StreamReader(new GZipStream(stream, CompressionMode.Decompress))
            : new StreamReader(stream);
        var header = (reader.ReadLine() ?? throw new InvalidDataException($"{path} is empty")).Split(',');
        if (header[0] != "id" || header[^1] != "label") throw new InvalidDataException($"{path}: expected id first and label last");
        var featureNames = header[1..^1];
        var rows = new List<(string Id, double[] Features, string Label)>();
        string? line;
        while ((line = reader.ReadLine()) is not null)
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
        return new BenchDataset(name, featureNames, labels, records, path);
    }
}
