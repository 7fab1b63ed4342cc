using System.Data.Common;
using Microsoft.Data.Sqlite;

namespace Unlearning.Silo.Storage;

/// <summary>
/// Opens the connections the ADO.NET grain storage uses on SQLite, each set up so that deleted content
/// does not linger in the file: <c>secure_delete</c> overwrites freed cells and pages with zeros,
/// temporary tables and indexes stay in memory, and the rollback journal (never a WAL) is unlinked at
/// each commit. <c>secure_delete</c> is a per-connection setting, so it is applied on every open.
/// </summary>
public sealed class SecureSqliteDataSource(string connectionString) : DbDataSource
{
    /// <summary>Runs first on every connection.</summary>
    public const string ConnectionPragmas = "PRAGMA secure_delete = ON; PRAGMA temp_store = MEMORY;";

    public override string ConnectionString => connectionString;

    public static string BuildConnectionString(string path, int busyTimeoutSeconds) => new SqliteConnectionStringBuilder
    {
        DataSource = path,
        Mode = SqliteOpenMode.ReadWriteCreate,
        Cache = SqliteCacheMode.Private,
        Pooling = true,
        DefaultTimeout = busyTimeoutSeconds,
    }.ToString();

    protected override DbConnection CreateDbConnection() => new SqliteConnection(connectionString);

    protected override DbConnection OpenDbConnection()
    {
        var connection = new SqliteConnection(connectionString);
        try
        {
            connection.Open();
            using var command = connection.CreateCommand();
            command.CommandText = ConnectionPragmas;
            command.ExecuteNonQuery();
            return connection;
        }
        catch
        {
            connection.Dispose();
            throw;
        }
    }

    protected override async ValueTask<DbConnection> OpenDbConnectionAsync(CancellationToken cancellationToken = default)
    {
        var connection = new SqliteConnection(connectionString);
        try
        {
            await connection.OpenAsync(cancellationToken).ConfigureAwait(false);
            await using var command = connection.CreateCommand();
            command.CommandText = ConnectionPragmas;
            await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
            return connection;
        }
        catch
        {
            await connection.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }
}
