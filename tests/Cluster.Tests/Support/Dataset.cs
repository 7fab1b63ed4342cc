using System.Globalization;
using Unlearning.Learning;

namespace Unlearning.Tests.Support;

/// <summary>A data set in the shared CSV shape (id first, label last, numeric features), loaded for tests.</summary>
public sealed class Dataset
{
    private Dataset(string name, string[] featureNames, string[] labels, DataRecord[] records)
    {
        Name = name;
        FeatureNames = featureNames;
        Labels = labels;
        Records = records;
    }

    public string Name { get; }
    public string[] FeatureNames { get; }
    /// <summary>Distinct labels sorted ordinal, as the client's create command orders them.</summary>
    public string[] Labels { get; }
    public DataRecord[] Records { get; }

    /// <summary>The breast cancer set the repository ships.</summary>
    public static Dataset Wdbc() => Load(Path.Combine(AppContext.BaseDirectory, "data", "breast_cancer_wdbc.csv"));

    /// <summary>A set from ../shared/data; when it is absent the test fails under CI and is skipped by the caller otherwise.</summary>
    public static Dataset? Shared(string fileName)
    {
        var path = SharedData.Find(fileName);
        return path is null ? null : Load(path);
    }

    public static Dataset Load(string path)
    {
        var lines = File.ReadAllLines(path);
        var header = lines[0].Split(',');
        var featureNames = header[1..^1];
        var rows = lines.Skip(1).Where(l => l.Length > 0).Select(l => l.Split(',')).ToArray();
        var labels = rows.Select(r => r[^1]).Distinct().OrderBy(l => l, StringComparer.Ordinal).ToArray();
        var labelIndex = labels.Select((l, i) => (l, i)).ToDictionary(p => p.l, p => p.i);
        var records = rows.Select(r => new DataRecord(
            r[0], r[0],
            r[1..^1].Select(v => double.Parse(v, CultureInfo.InvariantCulture)).ToArray(),
            labelIndex[r[^1]])).ToArray();
        return new Dataset(Path.GetFileNameWithoutExtension(path), featureNames, labels, records);
    }

    public ModelConfig Config(string model, int shards, int slices, EnsembleMode ensemble = EnsembleMode.Average) =>
        new(model, FeatureNames, Labels, shards, slices, ModelConfig.DefaultLambda, ensemble, ModelConfig.DefaultMaxIterations);

    /// <summary>A fixed 80/20 split by a stable hash of the record id.</summary>
    public (DataRecord[] Train, DataRecord[] Holdout) Split()
    {
        bool InHoldout(DataRecord r) => StableKeyHash.Of(r.Id, 2024) % 5 == 0;
        return (Records.Where(r => !InHoldout(r)).ToArray(), Records.Where(InHoldout).ToArray());
    }
}

public static class SharedData
{
    public static bool RequiredByCi => string.Equals(Environment.GetEnvironmentVariable("CI"), "true", StringComparison.OrdinalIgnoreCase);

    /// <summary>The path of a file in the shared data folder beside the checkout, if there is one.</summary>
    public static string? Find(string fileName)
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            var candidate = Path.Combine(dir.FullName, "shared", "data", fileName);
            if (File.Exists(candidate)) return candidate;
        }
        if (RequiredByCi)
            throw new FileNotFoundException($"CI=true but the shared data set {fileName} was not found beside the checkout");
        return null;
    }
}
