using Npgsql;

namespace Unlearning.Client;

/// <summary>
/// The cluster's PostgreSQL connection string as clients and silos check and show it: never with its passwords.
/// </summary>
public static class PostgresConnectionString
{
    /// <summary>The ADO.NET invariant the Orleans providers map to Npgsql.</summary>
    public const string Invariant = "Npgsql";

    /// <summary>Why <paramref name="value"/> is no usable connection string, without echoing any of it; null when it is one.</summary>
    public static string? Problem(string value)
    {
        try
        {
            var builder = new NpgsqlConnectionStringBuilder(value);
            return string.IsNullOrWhiteSpace(builder.Host) ? "it names no Host" : null;
        }
        catch (ArgumentException e)
        {
            return e.Message;
        }
    }

    /// <summary>The connection string without its passwords, for messages.</summary>
    public static string Redact(string value)
    {
        try
        {
            var builder = new NpgsqlConnectionStringBuilder(value);
            if (!string.IsNullOrEmpty(builder.Password)) builder.Password = "***";
            if (!string.IsNullOrEmpty(builder.SslPassword)) builder.SslPassword = "***";
            return builder.ToString();
        }
        catch (ArgumentException)
        {
            return "(unparsable connection string)";
        }
    }

    /// <summary><paramref name="message"/> with every occurrence of the connection string's passwords replaced.</summary>
    public static string Scrub(string message, string value)
    {
        try
        {
            var builder = new NpgsqlConnectionStringBuilder(value);
            foreach (var secret in new[] { builder.Password, builder.SslPassword })
                if (!string.IsNullOrEmpty(secret)) message = message.Replace(secret, "***", StringComparison.Ordinal);
            return message;
        }
        catch (ArgumentException)
        {
            return message;
        }
    }
}
