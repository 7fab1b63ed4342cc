namespace Unlearning.Bench.Runner;

public static class RepoPaths
{
    /// <summary>The checkout: the first folder above the binary (or the working directory) that holds Cluster.sln.</summary>
    public static string Root { get; } = FindRoot();

    private static string FindRoot()
    {
        foreach (var start in new[] { AppContext.BaseDirectory, Directory.GetCurrentDirectory() })
        {
            for (var dir = new DirectoryInfo(start); dir is not null; dir = dir.Parent)
                if (File.Exists(Path.Combine(dir.FullName, "Cluster.sln"))) return dir.FullName;
        }
        return Directory.GetCurrentDirectory();
    }
}
