namespace Unlearning.TestKit;

/// <summary>The real data sets of ../shared/data, beside the checkout (or higher up); present on CI, maybe not on a developer's clone.</summary>
public static class SharedData
{
    public static bool RequiredByCi => string.Equals(Environment.GetEnvironmentVariable("CI"), "true", StringComparison.OrdinalIgnoreCase);

    /// <summary>The shared data folder above <paramref name="start"/> (default: the binaries' folder), if there is one.</summary>
    public static string? Directory(string? start = null)
    {
        for (var dir = new DirectoryInfo(start ?? AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            var candidate = Path.Combine(dir.FullName, "shared", "data");
            if (System.IO.Directory.Exists(candidate)) return candidate;
        }
        return null;
    }

    /// <summary>The path of a file in the shared data folder; null when absent, an exception when absent under CI=true.</summary>
    public static string? Find(string fileName)
    {
        var path = Directory() is { } folder ? Path.Combine(folder, fileName) : null;
        if (path is not null && File.Exists(path)) return path;
        if (RequiredByCi)
            throw new FileNotFoundException($"CI=true but the shared data set {fileName} was not found beside the checkout");
        return null;
    }
}
