using System.Globalization;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Configuration;
using Npgsql;
using Unlearning.Silo.Storage;

namespace Unlearning.Bench.Infrastructure;

/// <summary>Where the silos keep grain state: the three providers of the production "Storage" section.</summary>
public enum StorageKind
{
    Memory,
    Sqlite,
    PostgreSql,
}

/// <summary>What a store holds: the grain-state rows' payload bytes, and the bytes the store takes for them.</summary>
/// <param name="Total">SQLite: the database file (and any journal); PostgreSQL: pg_total_relation_size of grain_state.</param>
public sealed record StoredBytes(long Payload, long Total, int Rows);

public static class StorageBackends
{
    /// <summary>The PostgreSQL server's connection string; .ci/postgres.sh exports it (as it does for the storage tests).</summary>
    public const string PostgresVariable = "UNLEARNING_TEST_POSTGRES";

    public static IReadOnlyList<StorageKind> All { get; } = Enum.GetValues<StorageKind>();

    public static string DisplayName(StorageKind kind) => kind switch
    {
        StorageKind.Memory => "memory",
        StorageKind.Sqlite => "SQLite",
        StorageKind.PostgreSql => "PostgreSQL",
        _ => kind.ToString(),
    };

    /// <summary>
    /// Silos of a cluster on <paramref name="kind"/>: SQLite is the embedded store of a single silo (its deployment:
    /// localhost clustering, one file), the others take <paramref name="requested"/>.
    /// </summary>
    public static int Silos(StorageKind kind, int requested) => kind == StorageKind.Sqlite ? 1 : requested;

    /// <summary>Null when the backend can be benchmarked here; otherwise what to do about it.</summary>
    public static string? Unavailable(StorageKind kind) => kind switch
    {
        StorageKind.PostgreSql when PostgresServer() is null => $"set {PostgresVariable} (see .ci/postgres.sh)",
        _ => null,
    };

    /// <summary>As <see cref="Unavailable"/>, and for PostgreSQL also whether the server answers.</summary>
    public static async Task<string?> UnavailableAsync(StorageKind kind)
    {
        if (Unavailable(kind) is { } reason) return reason;
        if (kind != StorageKind.PostgreSql) return null;
        try
        {
            await using var connection = new NpgsqlConnection(PostgresServer());
            await connection.OpenAsync();
            await using var command = new NpgsqlCommand("SELECT 1", connection);
            await command.ExecuteScalarAsync();
            return null;
        }
        catch (Exception e) when (e is NpgsqlException or ArgumentException or InvalidOperationException)
        {
            return $"{PostgresVariable} is set but the server does not answer ({e.GetType().Name}: {e.Message})";
        }
    }

    private static string? PostgresServer() =>
        Environment.GetEnvironmentVariable(PostgresVariable) is { } value && !string.IsNullOrWhiteSpace(value) ? value : null;

    /// <summary>
    /// A store of its own for one cluster: memory, a SQLite file in a fresh temporary directory, or a fresh
    /// PostgreSQL database on the server of <see cref="PostgresVariable"/>. Disposing it (after the silos stop) deletes it.
    /// </summary>
    public static async Task<ProvisionedStorage> ProvisionAsync(StorageKind kind) => kind switch
    {
        StorageKind.Memory => new MemoryStore(),
        StorageKind.Sqlite => new SqliteStore(),
        StorageKind.PostgreSql => await PostgresStore.CreateAsync(
            PostgresServer() ?? throw new InvalidOperationException($"PostgreSQL storage needs {PostgresVariable}")),
        _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, null),
    };

    private sealed class MemoryStore : ProvisionedStorage
    {
        public MemoryStore() : base(StorageKind.Memory, new() { ["Storage:Provider"] = nameof(StorageProvider.Memory) }) { }

        public override Task<string> DescribeAsync() => Task.FromResult("memory (Orleans' memory grain storage, the binary format of the databases)");
    }

    private sealed class SqliteStore : ProvisionedStorage
    {
        private readonly string _directory;

        public SqliteStore() : this(Directory.CreateTempSubdirectory("unlearning-bench-").FullName) { }

        private SqliteStore(string directory) : base(StorageKind.Sqlite, new()
        {
            ["Storage:Provider"] = nameof(StorageProvider.Sqlite),
            ["Storage:DataDirectory"] = directory,
        }) => _directory = directory;

        private string File => Path.Combine(_directory, StorageOptions.SqliteFileName);

        private SqliteConnection Open()
        {
            var connection = new SqliteConnection(new SqliteConnectionStringBuilder
            {
                DataSource = File, Mode = SqliteOpenMode.ReadOnly, Pooling = false,
            }.ToString());
            connection.Open();
            return connection;
        }

        public override Task<string> DescribeAsync()
        {
            using var connection = Open();
            using var command = connection.CreateCommand();
            command.CommandText = "SELECT sqlite_version(), (SELECT journal_mode FROM pragma_journal_mode), (SELECT synchronous FROM pragma_synchronous)";
            using var reader = command.ExecuteReader();
            reader.Read();
            var synchronous = reader.GetInt32(2) switch { 0 => "OFF", 1 => "NORMAL", 2 => "FULL", 3 => "EXTRA", var n => n.ToString(CultureInfo.InvariantCulture) };
            return Task.FromResult($"SQLite {reader.GetString(0)}, one file in a fresh temporary directory per cluster, journal {reader.GetString(1).ToUpperInvariant()}, " +
                                   $"synchronous {synchronous} (every commit is flushed to disk), secure_delete on");
        }

        public override Task<StoredBytes?> MeasureAsync()
        {
            using var connection = Open();
            using var command = connection.CreateCommand();
            command.CommandText = "SELECT COALESCE(SUM(length(payload)), 0), COUNT(*) FROM grain_state";
            using var reader = command.ExecuteReader();
            reader.Read();
            var total = new[] { File, File + "-journal", File + "-wal" }.Where(System.IO.File.Exists).Sum(f => new FileInfo(f).Length);
            return Task.FromResult<StoredBytes?>(new StoredBytes(reader.GetInt64(0), total, reader.GetInt32(1)));
        }

        public override ValueTask DisposeAsync()
        {
            SqliteConnection.ClearAllPools();
            try { Directory.Delete(_directory, recursive: true); }
            catch (IOException e) { Console.WriteLine($"   .. could not delete {_directory}: {e.Message}"); }
            catch (UnauthorizedAccessException e) { Console.WriteLine($"   .. could not delete {_directory}: {e.Message}"); }
            return ValueTask.CompletedTask;
        }
    }

    private sealed class PostgresStore : ProvisionedStorage
    {
        private readonly string _server;
        private readonly string _database;
        private readonly string _connectionString;

        private PostgresStore(string server, string database, string connectionString) : base(StorageKind.PostgreSql, new()
        {
            ["Storage:Provider"] = nameof(StorageProvider.Postgres),
            ["Storage:Postgres"] = connectionString,
        }) => (_server, _database, _connectionString) = (server, database, connectionString);

        /// <summary>Creates an empty database with a name no other run uses, so runs never see each other's rows.</summary>
        public static async Task<PostgresStore> CreateAsync(string server)
        {
            var database = $"bench_{DateTime.UtcNow:yyyyMMddHHmmss}_{Guid.NewGuid():N}"[..40];
            await using (var connection = new NpgsqlConnection(server))
            {
                await connection.OpenAsync();
                await using var command = new NpgsqlCommand($"CREATE DATABASE \"{database}\"", connection);
                await command.ExecuteNonQueryAsync();
            }
            return new PostgresStore(server, database, new NpgsqlConnectionStringBuilder(server) { Database = database }.ConnectionString);
        }

        public override async Task<string> DescribeAsync()
        {
            await using var connection = new NpgsqlConnection(_connectionString);
            await connection.OpenAsync();
            await using var command = new NpgsqlCommand(
                "SELECT current_setting('server_version'), current_setting('fsync'), current_setting('synchronous_commit'), " +
                "host(inet_server_addr())", connection);
            await using var reader = await command.ExecuteReaderAsync();
            await reader.ReadAsync();
            var fsync = reader.GetString(1);
            return $"PostgreSQL {reader.GetString(0)} at {(reader.IsDBNull(3) ? "a local socket" : reader.GetString(3))}, a fresh database per cluster, " +
                   $"fsync {fsync}, synchronous_commit {reader.GetString(2)}" +
                   (fsync == "off" ? " (the private test server of .ci/postgres.sh: commits are not flushed to disk, so writes cost less than on a production server)" : "");
        }

        /// <summary>After VACUUM (FULL) of grain_state, as the silos' scrubber leaves it after a forget: the table, its TOAST and index.</summary>
        public override async Task<StoredBytes?> MeasureAsync()
        {
            await using var connection = new NpgsqlConnection(_connectionString);
            await connection.OpenAsync();
            await using (var vacuum = new NpgsqlCommand("VACUUM (FULL) grain_state", connection) { CommandTimeout = 0 })
                await vacuum.ExecuteNonQueryAsync();
            await using var command = new NpgsqlCommand(
                "SELECT COALESCE(SUM(octet_length(payload)), 0)::bigint, pg_total_relation_size('grain_state'), COUNT(*)::int FROM grain_state", connection);
            await using var reader = await command.ExecuteReaderAsync();
            await reader.ReadAsync();
            return new StoredBytes(reader.GetInt64(0), reader.GetInt64(1), reader.GetInt32(2));
        }

        public override async ValueTask DisposeAsync()
        {
            NpgsqlConnection.ClearAllPools();
            await using var connection = new NpgsqlConnection(_server);
            await connection.OpenAsync();
            await using var command = new NpgsqlCommand($"DROP DATABASE IF EXISTS \"{_database}\" WITH (FORCE)", connection);
            await command.ExecuteNonQueryAsync();
        }
    }
}

/// <summary>One cluster's store: the silo configuration that selects it, what it holds, and its removal.</summary>
public abstract class ProvisionedStorage(StorageKind kind, Dictionary<string, string?> settings) : IAsyncDisposable
{
    public StorageKind Kind { get; } = kind;

    /// <summary>
    /// The configuration the silos' production <c>AddUnlearningGrains</c> gets: the "Storage" section, nothing else (RetrainDelay
    /// etc. keep their defaults). Memory is asked for by name: an empty section means SQLite in the user's data directory.
    /// </summary>
    /// <summary>
    /// The silos' configuration: the store's settings, and the test-only chosen certified noise seed, so certified
    /// figures are reproducible run to run (production models draw a secret key).
    /// </summary>
    public IConfiguration Configuration() => new ConfigurationBuilder()
        .AddInMemoryCollection(settings)
        .AddInMemoryCollection([new($"{UnlearningOptions.Section}:{nameof(UnlearningOptions.AllowChosenNoiseSeed)}", "true")])
        .Build();

    /// <summary>The store's engine and the settings that matter for write cost (call while the store exists).</summary>
    public abstract Task<string> DescribeAsync();

    /// <summary>What the store holds now; null for memory.</summary>
    public virtual Task<StoredBytes?> MeasureAsync() => Task.FromResult<StoredBytes?>(null);

    public virtual ValueTask DisposeAsync() => ValueTask.CompletedTask;
}
