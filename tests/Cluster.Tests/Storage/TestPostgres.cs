using Npgsql;
using Unlearning.Silo.Storage;
using Unlearning.TestKit;

namespace Unlearning.Tests.Storage;

/// <summary>
/// The PostgreSQL server the storage tests use: .ci/run starts a private one and puts its connection
/// string in <see cref="Variable"/>. Each test gets a database of its own, dropped afterwards.
/// </summary>
public static class TestPostgres
{
    public const string Variable = "UNLEARNING_TEST_POSTGRES";

    /// <summary>The server's connection string; null outside CI when it is not set (the caller then returns early). Under CI=true a missing one fails the test.</summary>
    public static string? ServerConnectionString()
    {
        var value = Environment.GetEnvironmentVariable(Variable);
        if (!string.IsNullOrWhiteSpace(value)) return value;
        if (SharedData.RequiredByCi)
            throw new InvalidOperationException($"CI=true but {Variable} is not set: .ci/run starts a private PostgreSQL and sets it");
        return null;
    }

    /// <summary>Creates an empty database; null when there is no server (outside CI).</summary>
    public static async Task<TestDatabase?> CreateDatabaseAsync(string purpose)
    {
        var server = ServerConnectionString();
        if (server is null) return null;
        var name = $"t_{purpose}_{Guid.NewGuid():N}"[..Math.Min(63, purpose.Length + 35)].ToLowerInvariant();
        await using (var connection = new NpgsqlConnection(server))
        {
            await connection.OpenAsync();
            await using var command = new NpgsqlCommand($"CREATE DATABASE \"{name}\"", connection);
            await command.ExecuteNonQueryAsync();
        }
        var builder = new NpgsqlConnectionStringBuilder(server) { Database = name };
        return new TestDatabase(server, name, builder.ConnectionString);
    }
}

public sealed class TestDatabase(string server, string name, string connectionString) : IAsyncDisposable
{
    /// <summary>
    /// A periodic vacuum interval longer than any test: what a forget leaves is then cleared by its own scrub or not at all,
    /// which is what the tests of that scrub check.
    /// </summary>
    public static readonly TimeSpan OwnScrubOnly = TimeSpan.FromHours(1);

    public string Name => name;
    public string ConnectionString => connectionString;

    /// <summary>A silo's storage on this database; the periodic vacuum at its default interval unless <paramref name="vacuumInterval"/> is given.</summary>
    public StorageOptions Storage(TimeSpan? vacuumInterval = null)
    {
        var storage = new StorageOptions { Provider = StorageProvider.Postgres, Postgres = connectionString };
        if (vacuumInterval is { } interval) storage.VacuumInterval = interval;
        return storage;
    }

    /// <summary>Runs <paramref name="sql"/> in the database, as an operator at psql would.</summary>
    public async Task ExecuteAsync(string sql)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection) { CommandTimeout = 0 };
        await command.ExecuteNonQueryAsync();
    }

    /// <summary>
    /// A session of its own whose snapshot is taken now and held, as a long report or a backup would hold one, until its
    /// transaction ends. Its statement reads no table, so it holds no lock a vacuum would wait for.
    /// </summary>
    public async Task<HeldSnapshot> HoldSnapshotAsync()
    {
        var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        var transaction = await connection.BeginTransactionAsync(System.Data.IsolationLevel.RepeatableRead);
        await using (var take = new NpgsqlCommand("SELECT 1", connection, transaction)) await take.ExecuteScalarAsync();
        return new HeldSnapshot(connection, transaction);
    }

    public async ValueTask DisposeAsync()
    {
        NpgsqlConnection.ClearAllPools();
        await using var connection = new NpgsqlConnection(server);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand($"DROP DATABASE IF EXISTS \"{name}\" WITH (FORCE)", connection);
        await command.ExecuteNonQueryAsync();
    }
}

/// <summary>An open transaction holding its snapshot (<see cref="TestDatabase.HoldSnapshotAsync"/>); disposing ends it.</summary>
public sealed class HeldSnapshot(NpgsqlConnection connection, NpgsqlTransaction transaction) : IAsyncDisposable
{
    public NpgsqlTransaction Transaction => transaction;

    public async ValueTask DisposeAsync()
    {
        await transaction.DisposeAsync();
        await connection.DisposeAsync();
    }
}
