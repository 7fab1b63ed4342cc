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

        Task<int?> Write(int? version, byte[] payload) => ScalarAsync(source, queries["WriteToStorageKey"], version, payload);
        Task<int?> Delete(int? version) => ScalarAsync(source, queries["DeleteStorageKey"], version, null);

        Assert.Equal(1, await Write(null, [1]));
        Assert.Null(await Write(null, [2]));       // a second first write conflicts
        Assert.Equal(2, await Write(1, [3]));
        Assert.Null(await Write(1, [4]));          // stale version
        Assert.Equal((new byte[] { 3 }, 2), await ReadAsync(source, queries["ReadFromStorageKey"]));
        Assert.Null(await Delete(1));              // stale version
        Assert.NotEqual(2, await Delete(2));
        Assert.Null(await ReadAsync(source, queries["ReadFromStorageKey"]));
        Assert.Null(await Write(2, [5]));          // the row is gone: only a first write may create it
        Assert.Equal(1, await Write(null, [6]));
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
