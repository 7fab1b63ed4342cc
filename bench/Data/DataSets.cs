using Unlearning.TestKit;
namespace Unlearning.Bench.Data;

/// <summary>The real data sets of ../shared/data (beside the checkout) and the one the repository ships.</summary>
public sealed class DataSets(string? sharedDirectory, string repoRoot)
{
    public const string Largest = "fertility1980_morekids.csv";

    /// <summary>Every real set, smallest first; fashion_mnist (784 features) last.</summary>
    public static readonly string[] RealFiles =
    [
        "breast_cancer_wdbc.csv", "breast_biopsy.csv", "nafld_case.csv", "letter.csv", "shuttle.csv",
        "fertility1980_morekids.csv", "fashion_mnist.csv.gz",
    ];

    private readonly Dictionary<string, Dataset> _cache = [];

    public string? SharedDirectory { get; } = sharedDirectory;

    public bool Has(string file) => Path(file) is not null;

    /// <summary>A shared set, or null when the folder or the file is absent.</summary>
    public Dataset? Shared(string file)
    {
        if (_cache.TryGetValue(file, out var cached)) return cached;
        var path = Path(file);
        if (path is null) return null;
        var loaded = Dataset.Load(path);
        _cache[file] = loaded;
        return loaded;
    }

    /// <summary>The Wisconsin breast cancer set the repository ships (data/), present in every checkout.</summary>
    public Dataset Wdbc()
    {
        const string key = "repo:wdbc";
        if (_cache.TryGetValue(key, out var cached)) return cached;
        var path = System.IO.Path.Combine(repoRoot, "data", "breast_cancer_wdbc.csv");
        if (!File.Exists(path)) path = System.IO.Path.Combine(AppContext.BaseDirectory, "data", "breast_cancer_wdbc.csv");
        var loaded = Dataset.Load(path);
        _cache[key] = loaded;
        return loaded;
    }

    /// <summary>Drops a cached set so its memory can go (the large ones are used by one scenario at a time).</summary>
    public void Release(string file) => _cache.Remove(file);

    private string? Path(string file)
    {
        if (SharedDirectory is null) return null;
        var path = System.IO.Path.Combine(SharedDirectory, file);
        return File.Exists(path) ? path : null;
    }
}
