using System.Data.Common;
using Microsoft.Data.Sqlite;

namespace Unlearning.Silo.Storage;

/// <summary>
/// Opens connections to the silo's SQLite file, each set up so that deleted content does not linger in the file and
/// every commit is durable: <c>secure_delete</c> overwrites freed cells and pages with zeros, temporary tables and
/// indexes stay in memory, <c>synchronous = FULL</c> syncs the write-ahead log at every commit (a committed write
/// survives a power loss, not only a crash of the process), and the log is cut back to 64 MiB after checkpoints.
/// These are per-connection settings, so they are applied on every open. The journal mode (WAL) is the file's own
/// (<see cref="SchemaInstaller"/>); after a forget the log is checkpointed and truncated (<see cref="Sqlite.SqliteCheckpointScrubber"/>).
/// </summary>
public sealed class SecureSqliteDataSource(string connectionString) : DbDataSource
{
    /// <summary>Runs first on every connection.</summary>
    public const string ConnectionPragmas =
        "PRAGMA secure_delete = ON; PRAGMA temp_store = MEMORY; PRAGMA synchronous = FULL; PRAGMA journal_size_limit = 67108864;";

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
