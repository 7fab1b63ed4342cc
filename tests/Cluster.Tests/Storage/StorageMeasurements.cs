using System.Diagnostics;
using Microsoft.Data.Sqlite;
using Npgsql;
using Unlearning.Silo.Storage;
using Unlearning.Tests.Support;
using Xunit.Abstractions;

namespace Unlearning.Tests.Storage;

/// <summary>
/// Ad-hoc figures, not a check: bytes stored per 10k wdbc-like records and forget latency on each store.
/// Runs only with UNLEARNING_MEASURE=1 (it takes minutes):
/// <c>UNLEARNING_MEASURE=1 UNLEARNING_TEST_POSTGRES=... dotnet test tests/Cluster.Tests -c Release --filter StorageMeasurements --logger "console;verbosity=detailed"</c>
/// </summary>
public sealed class StorageMeasurements(ITestOutputHelper output)
{
    private const int Records = 10_000, Shards = 8, Slices = 4, Forgets = 10;

    [Fact]
    public async Task Measure_state_size_and_forget_latency()
    {
        if (Environment.GetEnvironmentVariable("UNLEARNING_MEASURE") != "1") return;
        var data = Dataset.Wdbc();
        // 10k records like wdbc's: its rows with a little noise, one subject each.
        var random = new Random(42);
        var records = Enumerable.Range(0, Records).Select(i =>
        {
            var source = data.Records[i % data.Records.Length];
            var id = $"R{i:D6}";
            return new DataRecord(id, id, [.. source.Features.Select(v => v * (1 + 0.01 * (random.NextDouble() - 0.5)))], source.Label);
        }).ToArray();

        using var directory = new TempDirectory("measure");
        // The first run pays for JIT and warm-up: it is repeated at the end.
        await MeasureAsync("memory (cold)", new StorageOptions { Provider = StorageProvider.Memory }, data, records, null);
        await MeasureAsync("sqlite", new StorageOptions { Provider = StorageProvider.Sqlite, DataDirectory = directory.Path }, data, records,
            () => SqliteSizeAsync(Path.Combine(directory.Path, StorageOptions.SqliteFileName)));
        await using var database = await TestPostgres.CreateDatabaseAsync("measure");
        if (database is not null)
        {
            await MeasureAsync("postgres", new StorageOptions { Provider = StorageProvider.Postgres, Postgres = database.ConnectionString, VacuumInterval = TimeSpan.FromHours(1) },
                data, records, () => PostgresSizeAsync(database.ConnectionString));
        }
        await MeasureAsync("memory (warm)", new StorageOptions { Provider = StorageProvider.Memory }, data, records, null);
    }

    private async Task MeasureAsync(string label, StorageOptions storage, Dataset data, DataRecord[] records, Func<Task<string>>? size)
    {
        var clock = Stopwatch.StartNew();
        await using var cluster = await StorageCluster.StartAsync(storage, silos: 1);
        var start = clock.ElapsedMilliseconds;
        var name = ClusterFixture.UniqueName("measure");
        var model = cluster.Model(name);
        await model.Create(data.Config(name, Shards, Slices));
        clock.Restart();
        foreach (var batch in records.Chunk(1000)) await model.Ingest(batch);
        var ingest = clock.ElapsedMilliseconds;
        clock.Restart();
        await model.Train();
        var train = clock.ElapsedMilliseconds;
        if (size is not null) output.WriteLine($"{label}: after ingest+train of {records.Length} records: {await size()}");

        // Forgets of records in the last slice (one slice retrained) and anywhere (as they come).
        var latencies = new List<long>();
        foreach (var record in records.Where((_, i) => i % 997 == 0).Take(Forgets))
        {
            clock.Restart();
            await model.Forget(record.Subject);
            latencies.Add(clock.ElapsedMilliseconds);
        }
        latencies.Sort();
        output.WriteLine($"{label}: 1-silo test cluster start {start} ms; ingest {ingest} ms (10 calls of 1000); train {train} ms; " +
            $"forget (wall, {Forgets} subjects) median {latencies[latencies.Count / 2]} ms, min {latencies[0]} ms, max {latencies[^1]} ms");
    }

    private static async Task<string> SqliteSizeAsync(string path)
    {
        await using var connection = new SqliteConnection($"Data Source={path};Pooling=False");
        await connection.OpenAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT count(*), sum(length(payload)), (SELECT page_count * page_size FROM pragma_page_count(), pragma_page_size()) FROM grain_state";
        await using var reader = await command.ExecuteReaderAsync();
        await reader.ReadAsync();
        return $"{reader.GetInt64(0)} rows, payloads {reader.GetInt64(1):N0} bytes, database file {reader.GetInt64(2):N0} bytes";
    }

    private static async Task<string> PostgresSizeAsync(string connectionString)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        await using (var vacuum = new NpgsqlCommand("VACUUM (FULL) grain_state", connection)) await vacuum.ExecuteNonQueryAsync();
        await using var command = new NpgsqlCommand(
            "SELECT count(*), sum(octet_length(payload)), pg_total_relation_size('grain_state') FROM grain_state", connection);
        await using var reader = await command.ExecuteReaderAsync();
        await reader.ReadAsync();
        return $"{reader.GetInt64(0)} rows, payloads {reader.GetInt64(1):N0} bytes, table with TOAST and index after VACUUM FULL {reader.GetInt64(2):N0} bytes";
    }
}
