using System.Reflection;

namespace Unlearning.Silo.Storage;

/// <summary>The project's SQL, embedded from Storage/Sql: a schema script and one file per OrleansQuery key for each database.</summary>
public static class SqlScripts
{
    private const string Prefix = "sql/";
    private static readonly Assembly Assembly = typeof(SqlScripts).Assembly;

    public static string Schema(string database) => Read($"{Prefix}{database}/Schema.sql");

    /// <summary>The OrleansQuery rows of <paramref name="database"/>: key (the file name) and text.</summary>
    public static IReadOnlyDictionary<string, string> Queries(string database)
    {
        var folder = $"{Prefix}{database}/Queries/";
        return Assembly.GetManifestResourceNames()
            .Where(name => name.StartsWith(folder, StringComparison.Ordinal) && name.EndsWith(".sql", StringComparison.Ordinal))
            .ToDictionary(name => name[folder.Length..^4], Read, StringComparer.Ordinal);
    }

    private static string Read(string name)
    {
        using var stream = Assembly.GetManifestResourceStream(name)
            ?? throw new InvalidOperationException($"embedded SQL resource '{name}' is missing");
        using var reader = new StreamReader(stream);
        return reader.ReadToEnd();
    }
}

public static class SqlDatabases
{
    public const string Postgres = "Postgres";
    public const string Sqlite = "Sqlite";
}
