using Npgsql;

namespace Unlearning.Silo.Storage;

/// <summary>
/// Creates the project's tables and writes its OrleansQuery rows; idempotent, so every silo runs it at
/// start-up (before the storage and clustering providers read their queries), and safe when several
/// silos start at once: PostgreSQL serialises installers on an advisory lock, SQLite on its write lock.
/// </summary>
public static class SchemaInstaller
{
    /// <summary>Arbitrary, fixed: the advisory lock that serialises schema installs on one database.</summary>
    private const long PostgresInstallLock = 0x756e6c6561726eL;

    public static Task InstallAsync(StorageOptions options, CancellationToken cancellationToken = default) => options.EffectiveProvider switch
    {
        StorageProvider.Sqlite => InstallSqliteAsync(options.SqlitePath, cancellationToken),
        StorageProvider.Postgres => InstallPostgresAsync(options.Postgres!, cancellationToken),
        _ => Task.CompletedTask,
    };

    public static async Task InstallPostgresAsync(string connectionString, CancellationToken cancellationToken = default)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        await using (var command = new NpgsqlCommand("SELECT pg_advisory_xact_lock(@lock)", connection, transaction))
        {
            command.Parameters.AddWithValue("lock", PostgresInstallLock);
            await command.ExecuteNonQueryAsync(cancellationToken);
        }
        await using (var command = new NpgsqlCommand(SqlScripts.Schema(SqlDatabases.Postgres), connection, transaction))
            await command.ExecuteNonQueryAsync(cancellationToken);
        foreach (var (key, text) in SqlScripts.Queries(SqlDatabases.Postgres))
        {
            await using var command = new NpgsqlCommand(
                "INSERT INTO orleansquery (querykey, querytext) VALUES (@key, @text) " +
                "ON CONFLICT (querykey) DO UPDATE SET querytext = EXCLUDED.querytext WHERE orleansquery.querytext IS DISTINCT FROM EXCLUDED.querytext",
                connection, transaction);
            command.Parameters.AddWithValue("key", key);
            command.Parameters.AddWithValue("text", text);
            await command.ExecuteNonQueryAsync(cancellationToken);
        }
        await transaction.CommitAsync(cancellationToken);
    }

    public static async Task InstallSqliteAsync(string path, CancellationToken cancellationToken = default)
    {
        // Patient records: only the silo's user may read them. The file is made owner-only before SQLite opens it, as SQLite
        // gives its write-ahead log and shared-memory index the database file's permissions.
        PrivateDirectory.Ensure(Path.GetDirectoryName(Path.GetFullPath(path))!);
        PrivateDirectory.CreatePrivateFile(path);
        foreach (var companion in new[] { path + "-wal", path + "-shm" }) PrivateDirectory.RestrictFile(companion);

        await using var dataSource = new SecureSqliteDataSource(SecureSqliteDataSource.BuildConnectionString(path, 60));
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using (var command = connection.CreateCommand())
        {
            // Write-ahead logging: a commit appends to the log and syncs it once (a rollback journal costs a file created,
            // synced and deleted per commit), and readers never wait for the writer. The log keeps old page images until a
            // checkpoint: after a forget the silo checkpoints and truncates it before the forget returns.
            command.CommandText = "PRAGMA journal_mode = WAL;";
            await command.ExecuteScalarAsync(cancellationToken);
        }
        await using (var command = connection.CreateCommand())
        {
            command.CommandText = "BEGIN IMMEDIATE;";
            await command.ExecuteNonQueryAsync(cancellationToken);
        }
        try
        {
            await using (var command = connection.CreateCommand())
            {
                command.CommandText = SqlScripts.Schema(SqlDatabases.Sqlite);
                await command.ExecuteNonQueryAsync(cancellationToken);
            }
            await using (var command = connection.CreateCommand())
            {
                command.CommandText = "COMMIT;";
                await command.ExecuteNonQueryAsync(cancellationToken);
            }
        }
        catch
        {
            await using var rollback = connection.CreateCommand();
            rollback.CommandText = "ROLLBACK;";
            await rollback.ExecuteNonQueryAsync(CancellationToken.None);
            throw;
        }
        PrivateDirectory.RestrictFile(path);
    }
}
