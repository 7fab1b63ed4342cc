namespace Unlearning.TestKit;

/// <summary>The checkout the tests were built from.</summary>
public static class Repository
{
    /// <summary>The folder holding Cluster.sln, above the binaries' folder.</summary>
    public static string Root()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "Cluster.sln"))) return dir.FullName;
        throw new InvalidOperationException("no Cluster.sln above " + AppContext.BaseDirectory);
    }
}
