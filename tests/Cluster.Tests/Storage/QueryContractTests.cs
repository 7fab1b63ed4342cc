using System.Data;
using System.Data.Common;
using Npgsql;
using Unlearning.Silo.Storage;

namespace Unlearning.Tests.Storage;

/// <summary>
/// The installed grain-state queries keep the ADO.NET provider's optimistic-concurrency contract: a
/// write or delete with a stale version changes nothing and answers no new version. Runs the query rows
/// as the provider does (same parameter names and types), on PostgreSQL (SQLite has a provider of its own:
/// SqliteGrainStorageTests).
/// </summary>
public sealed class QueryContractTests
{
    [Fact]
    public async Task Postgres_queries_refuse_stale_versions()
    {
        await using var database = await TestPostgres.CreateDatabaseAsync("contract");
        if (database is null) return; // no PostgreSQL outside CI; under CI=true this fails instead
        await Task.WhenAll(Enumerable.Range(0, 3).Select(_ => SchemaInstaller.InstallPostgresAsync(database.ConnectionString))); // concurrent and idempotent
        await using var source = NpgsqlDataSource.Create(database.ConnectionString);
        await CheckContractAsync(source);
    }

    private static async Task CheckContractAsync(DbDataSource source)
    {
        var queries = await QueriesAsync(source);
        Assert.Equal(13, queries.Count);

        // What ShreddableStateSerializer writes: a 32-byte key, then the sealed state (here one byte stands for it).
        static byte[] Payload(byte key, byte state) => [.. Enumerable.Repeat(key, 32), state];
        Task<int?> Write(int? version, byte key, byte state) => ScalarAsync(source, queries["WriteToStorageKey"], version, Payload(key, state));
        Task<int?> Delete(int? version) => ScalarAsync(source, queries["DeleteStorageKey"], version, null);
        Task<(byte[], int)?> Read() => ReadAsync(source, queries["ReadFromStorageKey"]);
        // Read back: 1, the key, the state.
        static byte[] Keyed(byte key, byte state) => [1, .. Payload(key, state)];

        Assert.Equal(1, await Write(null, 1, 1));
        Assert.Null(await Write(null, 2, 2));      // a second first write conflicts, and leaves the key alone
        Assert.Equal((Keyed(1, 1), 1), await Read());
        Assert.Equal(2, await Write(1, 3, 3));
        Assert.Null(await Write(1, 4, 4));         // stale version
        Assert.Equal((Keyed(3, 3), 2), await Read());
        Assert.Equal(1, await CountAsync(source, "state_keys"));
        Assert.Null(await Delete(1));              // stale version
        Assert.NotEqual(2, await Delete(2));
        Assert.Null(await Read());
        Assert.Equal(0, await CountAsync(source, "state_keys")); // the key went with its row
        Assert.Null(await Write(2, 5, 5));         // the row is gone: only a first write may create it
        Assert.Equal(0, await CountAsync(source, "state_keys"));
        Assert.Equal(1, await Write(null, 6, 6));

        // A row without a key (stored unsealed by an earlier version) comes back marked 0, as stored.
        await using (var unsealed = source.CreateCommand("UPDATE grain_state SET payload = '\\x0a0b'::bytea; DELETE FROM state_keys"))
            await unsealed.ExecuteNonQueryAsync();
        Assert.Equal((new byte[] { 0, 10, 11 }, 1), await Read());
    }

    private static async Task<long> CountAsync(DbDataSource source, string table)
    {
        await using var command = source.CreateCommand($"SELECT count(*) FROM {table}");
        return (long)(await command.ExecuteScalarAsync())!;
    }

    private static async Task<Dictionary<string, string>> QueriesAsync(DbDataSource source)
    {
        await using var command = source.CreateCommand("SELECT QueryKey, QueryText FROM OrleansQuery");
        await using var reader = await command.ExecuteReaderAsync();
        var queries = new Dictionary<string, string>();
        while (await reader.ReadAsync()) queries[reader.GetString(0)] = reader.GetString(1);
        return queries;
    }

    private static DbCommand Command(DbDataSource source, string sql, int? version, byte[]? payload)
    {
        var command = source.CreateCommand(sql);
        void Add(string name, object? value, DbType type)
        {
            var parameter = command.CreateParameter();
            parameter.ParameterName = name;
            parameter.Value = value ?? DBNull.Value;
            parameter.DbType = type;
            command.Parameters.Add(parameter);
        }
        Add("GrainIdHash", 17, DbType.Int32);
        Add("GrainIdN0", 0L, DbType.Int64);
        Add("GrainIdN1", 0L, DbType.Int64);
        Add("GrainTypeHash", 23, DbType.Int32);
        Add("GrainTypeString", "shard", DbType.String);
        Add("GrainIdExtensionString", "model/3", DbType.String);
        Add("ServiceId", "contract", DbType.String);
        Add("GrainStateVersion", version, DbType.Int32);
        if (payload is not null) Add("PayloadBinary", payload, DbType.Binary);
        return command;
    }

    private static async Task<int?> ScalarAsync(DbDataSource source, string sql, int? version, byte[]? payload)
    {
        await using var command = Command(source, sql, version, payload);
        await using var reader = await command.ExecuteReaderAsync();
        var values = new List<int>();
        do
        {
            while (await reader.ReadAsync()) values.Add(Convert.ToInt32(reader.GetValue(0), System.Globalization.CultureInfo.InvariantCulture));
        } while (await reader.NextResultAsync());
        return values.Count switch { 0 => null, 1 => values[0], _ => throw new InvalidOperationException($"{values.Count} rows") };
    }

    private static async Task<(byte[], int)?> ReadAsync(DbDataSource source, string sql)
    {
        await using var command = Command(source, sql, null, null);
        await using var reader = await command.ExecuteReaderAsync();
        if (!await reader.ReadAsync()) return null;
        return ((byte[])reader.GetValue(reader.GetOrdinal("PayloadBinary")), Convert.ToInt32(reader.GetValue(reader.GetOrdinal("Version")), System.Globalization.CultureInfo.InvariantCulture));
    }
}
