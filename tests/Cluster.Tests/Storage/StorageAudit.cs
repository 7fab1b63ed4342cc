using System.Text;
using Microsoft.Data.Sqlite;
using Npgsql;
using Unlearning.Silo.Storage;
using Unlearning.TestKit;

namespace Unlearning.Tests.Storage;

/// <summary>A byte sequence that must not be stored once its record is forgotten, and what it stands for.</summary>
public sealed record Needle(string What, byte[] Bytes);

/// <summary>
/// Looks for records in what a store keeps: every value of every row of every table (payloads as the
/// bytes the Orleans binary serializer wrote: ids and subjects as UTF-8, doubles as 8 little-endian
/// bytes), and on SQLite the raw bytes of the database file and its journals.
/// </summary>
public static class StorageAudit
{
    /// <summary>The UTF-8 of each record's id and subject and the 8-byte little-endian form of each feature value.</summary>
    public static Needle[] NeedlesOf(IEnumerable<DataRecord> records) => records.SelectMany(record =>
        new[]
        {
            new Needle($"id {record.Id}", Encoding.UTF8.GetBytes(record.Id)),
            new Needle($"subject {record.Subject}", Encoding.UTF8.GetBytes(record.Subject)),
        }.Concat(record.Features.Select((value, j) =>
            new Needle($"feature {j} = {value:R} of {record.Id}", BitConverter.GetBytes(value)))))
        .DistinctBy(n => Convert.ToHexString(n.Bytes)).ToArray();

    /// <summary>
    /// Features made unique to their record, so that finding one in storage can only mean that record:
    /// every value is shifted by an amount no other record/feature gets (and none is 0.0).
    /// </summary>
    public static DataRecord[] WithUniqueFeatures(IEnumerable<DataRecord> records) => records.Select((record, i) =>
        record with { Features = [.. record.Features.Select((value, j) => value + 1.0 + (i * 64 + j + 1) * 1.1e-7)] }).ToArray();

    public static List<string> Find(IEnumerable<(string Where, byte[] Bytes)> haystacks, IEnumerable<Needle> needles)
    {
        var found = new List<string>();
        var all = needles.ToArray();
        foreach (var (where, bytes) in haystacks)
        {
            foreach (var needle in all)
            {
                var at = bytes.AsSpan().IndexOf(needle.Bytes);
                if (at < 0) continue;
                // In a file, what surrounds a hit tells which kind of row (or dead row version) held it.
                found.Add(where.StartsWith("file ", StringComparison.Ordinal)
                    ? $"{needle.What} in {where} near \"{Printable(bytes, at - 120, needle.Bytes.Length + 240)}\""
                    : $"{needle.What} in {where}");
            }
        }
        return found;
    }

    private static string Printable(byte[] bytes, int start, int length)
    {
        start = Math.Max(0, start);
        length = Math.Min(length, bytes.Length - start);
        return new string([.. bytes.AsSpan(start, length).ToArray().Select(b => b is >= 32 and < 127 ? (char)b : '.')]);
    }

    /// <summary>A read-only, unpooled connection to a SQLite store, beside the silo that writes it.</summary>
    public static SqliteConnection OpenSqliteReadOnly(string path)
    {
        var connection = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = path, Mode = SqliteOpenMode.ReadOnly, Pooling = false }.ToString());
        connection.Open();
        return connection;
    }

    /// <summary>Every value of every row of every table of a SQLite database, as bytes.</summary>
    public static List<(string Where, byte[] Bytes)> SqliteRows(string path)
    {
        var result = new List<(string, byte[])>();
        using var connection = OpenSqliteReadOnly(path);
        var tables = new List<string>();
        using (var command = connection.CreateCommand())
        {
            command.CommandText = "SELECT name FROM sqlite_master WHERE type = 'table'";
            using var reader = command.ExecuteReader();
            while (reader.Read()) tables.Add(reader.GetString(0));
        }
        foreach (var table in tables)
        {
            using var command = connection.CreateCommand();
            command.CommandText = $"SELECT * FROM \"{table}\"";
            using var reader = command.ExecuteReader();
            var row = 0;
            while (reader.Read())
            {
                row++;
                for (var c = 0; c < reader.FieldCount; c++)
                    if (!reader.IsDBNull(c)) result.Add(($"sqlite {table} row {row} column {reader.GetName(c)}", AsBytes(reader.GetValue(c))));
            }
        }
        return result;
    }

    /// <summary>All a SQLite store holds: every value of its rows, and the raw bytes of its files.</summary>
    public static List<(string Where, byte[] Bytes)> SqliteStore(string path) => [.. SqliteRows(path), .. SqliteFiles(path)];

    /// <summary>
    /// All a PostgreSQL store holds: every value of its rows, and the raw bytes of grain_state's files when this process
    /// can read them (<c>FilesRead</c>; .ci/run's server always).
    /// </summary>
    public static async Task<(List<(string Where, byte[] Bytes)> Found, bool FilesRead)> PostgresStoreAsync(string connectionString)
    {
        var rows = await PostgresRowsAsync(connectionString);
        var files = await PostgresGrainStateFilesAsync(connectionString);
        return (files is null ? rows : [.. rows, .. files], files is not null);
    }

    /// <summary>The raw bytes of a SQLite database file and of its journal and WAL, when they exist.</summary>
    public static List<(string Where, byte[] Bytes)> SqliteFiles(string path) =>
        new[] { path, path + "-journal", path + "-wal", path + "-shm" }
            .Where(File.Exists)
            .Select(file => ($"file {Path.GetFileName(file)}", ReadShared(file)))
            .ToList();

    /// <summary>Every value of every row of every table in the public schema of a PostgreSQL database, as bytes.</summary>
    public static async Task<List<(string Where, byte[] Bytes)>> PostgresRowsAsync(string connectionString)
    {
        var result = new List<(string, byte[])>();
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        var tables = new List<string>();
        await using (var command = new NpgsqlCommand("SELECT tablename FROM pg_tables WHERE schemaname = 'public'", connection))
        await using (var reader = await command.ExecuteReaderAsync())
            while (await reader.ReadAsync()) tables.Add(reader.GetString(0));
        // grain_state's payloads are sealed (ShreddableStateSerializer): each live one is read opened with its key, as the silo reads it.
        if (tables.Contains("state_keys"))
        {
            foreach (var state in await PostgresOpenedStatesAsync(connection))
                if (state.Plain is not null) result.Add(($"postgres grain_state {state.StateName}, opened with its key", state.Plain));
        }
        foreach (var table in tables)
        {
            await using var command = new NpgsqlCommand($"SELECT * FROM \"{table}\"", connection);
            await using var reader = await command.ExecuteReaderAsync();
            var row = 0;
            while (await reader.ReadAsync())
            {
                row++;
                for (var c = 0; c < reader.FieldCount; c++)
                    if (!reader.IsDBNull(c)) result.Add(($"postgres {table} row {row} column {reader.GetName(c)}", AsBytes(reader.GetValue(c))));
            }
        }
        return result;
    }

    /// <summary>A live grain state of a PostgreSQL store: its row's key columns, and its payload opened with its key (null if it does not open).</summary>
    public sealed record OpenedState(string ServiceId, string StateName, long N0, long N1, string GrainKey, byte[]? Plain);

    /// <summary>Every live grain state that has a key in state_keys, opened with it.</summary>
    public static async Task<List<OpenedState>> PostgresOpenedStatesAsync(NpgsqlConnection connection)
    {
        var states = new List<OpenedState>();
        await using var command = new NpgsqlCommand(
            "SELECT g.service_id, g.state_name, g.grain_n0, g.grain_n1, g.grain_key, k.secret, g.payload FROM grain_state g JOIN state_keys k " +
            "ON k.service_id = g.service_id AND k.state_name = g.state_name AND k.grain_n0 = g.grain_n0 AND k.grain_n1 = g.grain_n1 " +
            "AND k.grain_key = g.grain_key WHERE g.payload IS NOT NULL", connection);
        await using var reader = await command.ExecuteReaderAsync();
        while (await reader.ReadAsync())
        {
            states.Add(new OpenedState(reader.GetString(0), reader.GetString(1), reader.GetInt64(2), reader.GetInt64(3), reader.GetString(4),
                ShreddableStateSerializer.TryOpen((byte[])reader.GetValue(5), (byte[])reader.GetValue(6))));
        }
        return states;
    }

    /// <summary>
    /// The raw bytes of grain_state's files (heap and TOAST, all segments) after a CHECKPOINT, and every version of a state
    /// those pages still hold that the keys still in state_keys' pages open (<see cref="PostgresPageRecovery"/>), when the
    /// test can read the server's data directory (the private server of .ci/run, run as root); else null.
    /// </summary>
    public static async Task<List<(string Where, byte[] Bytes)>?> PostgresGrainStateFilesAsync(string connectionString)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        await using (var checkpoint = new NpgsqlCommand("CHECKPOINT", connection)) await checkpoint.ExecuteNonQueryAsync();
        string dataDirectory;
        var relations = new List<(string Path, string Name)>();
        await using (var command = new NpgsqlCommand("SELECT current_setting('data_directory')", connection))
            dataDirectory = (string)(await command.ExecuteScalarAsync())!;
        await using (var command = new NpgsqlCommand(
            // The table, or its partitions when it is partitioned (the parent has no files), and their TOAST tables.
            "WITH tables AS (SELECT 'grain_state'::regclass AS oid UNION SELECT inhrelid FROM pg_inherits WHERE inhparent = 'grain_state'::regclass) " +
            "SELECT pg_relation_filepath(c.oid), c.relname FROM pg_class c " +
            "WHERE (c.oid IN (SELECT oid FROM tables) OR c.oid IN (SELECT reltoastrelid FROM pg_class WHERE oid IN (SELECT oid FROM tables))) " +
            "AND pg_relation_filepath(c.oid) IS NOT NULL", connection))
        await using (var reader = await command.ExecuteReaderAsync())
            while (await reader.ReadAsync()) relations.Add((reader.GetString(0), reader.GetString(1)));
        var files = new List<(string, byte[])>();
        foreach (var (relation, name) in relations)
        {
            var basePath = Path.Combine(dataDirectory, relation);
            for (var segment = 0; ; segment++)
            {
                var file = segment == 0 ? basePath : $"{basePath}.{segment}";
                if (!File.Exists(file)) break;
                try { files.Add(($"file {relation}{(segment == 0 ? "" : "." + segment)} ({name})", ReadShared(file))); }
                catch (UnauthorizedAccessException) { return null; }
            }
        }
        if (files.Count == 0) return null;
        // What the pages still hold of every version of every state, opened with whatever keys state_keys' pages still hold.
        files.AddRange(await PostgresPageRecovery.RecoverAsync(connection));
        return files;
    }

    private static byte[] AsBytes(object value) => value switch
    {
        byte[] bytes => bytes,
        string text => Encoding.UTF8.GetBytes(text),
        _ => Encoding.UTF8.GetBytes(Convert.ToString(value, System.Globalization.CultureInfo.InvariantCulture) ?? ""),
    };

    private static byte[] ReadShared(string path)
    {
        using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
        using var copy = new MemoryStream();
        stream.CopyTo(copy);
        return copy.ToArray();
    }
}

/// <summary>
/// A PostgreSQL database audited again at each <see cref="StoredAsync"/>, remembering whether the last audit could read the
/// table files as well as the rows.
/// </summary>
public sealed class PostgresStoreAudit(string connectionString)
{
    public bool FilesAudited { get; private set; }

    public async Task<List<(string Where, byte[] Bytes)>> StoredAsync()
    {
        (var found, FilesAudited) = await StorageAudit.PostgresStoreAsync(connectionString);
        return found;
    }

    /// <summary>
    /// For a failure message about <paramref name="needles"/> still stored: the other sessions of the database now, and
    /// whether one more VACUUM FULL of grain_state and state_keys clears them (it does: the forget's vacuum ran while something held
    /// them; it does not: they were written after it).
    /// </summary>
    public async Task<string> ExplainLeftoversAsync(IEnumerable<Needle> needles)
    {
        var text = new StringBuilder("\nother sessions of this database now:");
        await using (var connection = new NpgsqlConnection(connectionString))
        {
            await connection.OpenAsync();
            await using (var sessions = new NpgsqlCommand(
                "SELECT pid, state, backend_xid::text, backend_xmin::text, xact_start, left(query, 80) FROM pg_stat_activity " +
                "WHERE datname = current_database() AND pid <> pg_backend_pid()", connection))
            await using (var reader = await sessions.ExecuteReaderAsync())
            {
                while (await reader.ReadAsync())
                {
                    text.Append($"\n  pid {reader.GetValue(0)} {reader.GetValue(1)} xid {reader.GetValue(2)} xmin {reader.GetValue(3)} " +
                        $"since {reader.GetValue(4)}: {reader.GetValue(5)}");
                }
            }
            foreach (var table in new[] { "grain_state", "state_keys" })
            {
                await using var vacuum = new NpgsqlCommand($"VACUUM (FULL) {table}", connection) { CommandTimeout = 0 };
                await vacuum.ExecuteNonQueryAsync();
            }
        }
        var left = StorageAudit.Find(await StoredAsync(), needles);
        return text.Append($"\nafter one more VACUUM FULL of grain_state and state_keys: {left.Count} hits left").ToString();
    }

    /// <summary>.ci/run runs as root with the server's files on this machine: there the files are always audited.</summary>
    public void AssertFilesAuditedUnderCi() =>
        Assert.True(FilesAudited || !SharedData.RequiredByCi, "CI could not read the PostgreSQL table files");
}
