using Npgsql;

namespace Unlearning.Silo.Storage;

public static class PostgresStorage
{
    /// <summary>The ADO.NET invariant the Orleans providers map to Npgsql.</summary>
    public const string Invariant = "Npgsql";

    /// <summary>The connection string without its password, for logs and banners.</summary>
    public static string Redact(string connectionString)
    {
        try
        {
            var builder = new NpgsqlConnectionStringBuilder(connectionString);
            if (!string.IsNullOrEmpty(builder.Password)) builder.Password = "***";
            return builder.ToString();
        }
        catch (ArgumentException)
        {
            return "(unparsable connection string)";
        }
    }
}
