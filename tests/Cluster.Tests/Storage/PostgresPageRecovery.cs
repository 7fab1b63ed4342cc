using System.Buffers.Binary;
using Npgsql;
using Unlearning.Silo.Storage;

namespace Unlearning.Tests.Storage;

/// <summary>
/// What someone holding a PostgreSQL store's pages could read of its grain states: every version of every state the
/// pages of grain_state still hold, dead ones included (read with pageinspect, TOAST chunks put back together), opened
/// with every key the pages of state_keys still hold: the key columns of their tuples, dead ones included, and any
/// 32 bytes in them, free space included, that have the form of a stored key. A version stored unsealed is returned as
/// it is. Not recovered: a dead version whose tuples pruning has already cut out of their pages (their bytes may stay
/// in the page's free space, sealed; the raw files the audit also searches would show any plaintext). pageinspect needs
/// a superuser: the role .ci/postgres.sh gives the tests.
/// </summary>
internal static class PostgresPageRecovery
{
    private const int KeyBytes = ShreddableStateSerializer.KeyBytes;
    /// <summary>The one-byte varlena header PostgreSQL stores a 32-byte bytea with: (1 + 32) &lt;&lt; 1 | 1.</summary>
    private const byte ShortKeyHeader = ((1 + KeyBytes) << 1) | 1;

    /// <summary>Every block number of relation @rel, as the row source <c>block</c>.</summary>
    private const string Blocks = "generate_series(0, pg_relation_size(@rel::regclass) / current_setting('block_size')::int - 1) AS block";

    private sealed record Version(string Identity, string StateName, string Where, byte[] Stored);

    public static async Task<List<(string Where, byte[] Bytes)>> RecoverAsync(NpgsqlConnection connection)
    {
        await using (var extension = new NpgsqlCommand("CREATE EXTENSION IF NOT EXISTS pageinspect", connection))
            await extension.ExecuteNonQueryAsync();
        var versions = new List<Version>();
        foreach (var (heap, toast) in await RelationsAsync(connection, "grain_state"))
        {
            var chunks = toast is null ? [] : await ToastChunksAsync(connection, toast);
            var referenced = new HashSet<uint>();
            foreach (var (attrs, dead) in await TuplesAsync(connection, heap))
            {
                if (attrs.Length < 7 || attrs[6] is not { } payload) continue;
                var stored = Value(payload, chunks, referenced);
                if (stored is null) continue;
                versions.Add(new Version(Identity(attrs), Text(attrs[1]), $"{(dead ? "dead" : "live")} version in {heap}", stored));
            }
            // A value whose heap tuple pruning has removed stays in the TOAST table until a vacuum: whose it was is unknown.
            foreach (var (valueId, parts) in chunks.Where(c => !referenced.Contains(c.Key)))
                versions.Add(new Version("", "unknown state", $"TOAST value {valueId} of {toast} no tuple points to", Join(parts)));
        }

        var keysByIdentity = new Dictionary<string, List<byte[]>>();
        var anyKeys = new HashSet<string>();
        var candidates = new List<byte[]>();
        foreach (var (heap, _) in await RelationsAsync(connection, "state_keys"))
        {
            foreach (var (attrs, _) in await TuplesAsync(connection, heap))
            {
                if (attrs.Length < 6 || attrs[5] is not { } secret) continue;
                var key = Strip(secret);
                var identity = Identity(attrs);
                if (!keysByIdentity.TryGetValue(identity, out var list)) keysByIdentity[identity] = list = [];
                list.Add(key);
            }
            foreach (var page in await PagesAsync(connection, heap))
            {
                for (var at = page.IndexOf(ShortKeyHeader); at >= 0 && at + 1 + KeyBytes <= page.Length; at = NextIndexOf(page, ShortKeyHeader, at + 1))
                {
                    var window = page.AsSpan(at + 1, KeyBytes).ToArray();
                    if (anyKeys.Add(Convert.ToHexString(window))) candidates.Add(window);
                }
            }
        }

        var recovered = new List<(string, byte[])>();
        foreach (var version in versions)
        {
            if (!ShreddableStateSerializer.IsSealed(version.Stored))
            {
                recovered.Add(($"postgres pages: {version.StateName}, {version.Where}, stored unsealed", version.Stored));
                continue;
            }
            var own = keysByIdentity.GetValueOrDefault(version.Identity) ?? [];
            var plain = own.Concat(candidates).Select(key => ShreddableStateSerializer.TryOpen(key, version.Stored)).FirstOrDefault(p => p is not null);
            if (plain is not null) recovered.Add(($"postgres pages: {version.StateName}, {version.Where}, opened with a key left in state_keys", plain));
        }
        return recovered;
    }

    private static int NextIndexOf(byte[] page, byte value, int from)
    {
        var at = page.AsSpan(from).IndexOf(value);
        return at < 0 ? -1 : from + at;
    }

    /// <summary>The table's partitions (or the table when it has none) and their TOAST tables.</summary>
    private static async Task<List<(string Heap, string? Toast)>> RelationsAsync(NpgsqlConnection connection, string table)
    {
        var relations = new List<(string, string?)>();
        await using var command = new NpgsqlCommand(
            "SELECT c.oid::regclass::text, NULLIF(c.reltoastrelid, 0)::regclass::text FROM pg_class c " +
            "WHERE c.relkind = 'r' AND (c.oid = @table::regclass OR c.oid IN (SELECT inhrelid FROM pg_inherits WHERE inhparent = @table::regclass))",
            connection);
        command.Parameters.AddWithValue("table", table);
        await using var reader = await command.ExecuteReaderAsync();
        while (await reader.ReadAsync()) relations.Add((reader.GetString(0), reader.IsDBNull(1) ? null : reader.GetString(1)));
        return relations;
    }

    /// <summary>Every tuple of every page of <paramref name="relation"/> that still has its storage: its attributes as stored, and whether it is dead.</summary>
    private static async Task<List<(byte[]?[] Attrs, bool Dead)>> TuplesAsync(NpgsqlConnection connection, string relation)
    {
        var tuples = new List<(byte[]?[], bool)>();
        await using var command = new NpgsqlCommand(
            $"SELECT i.t_attrs, i.t_xmax::text <> '0' FROM {Blocks}, " +
            "LATERAL heap_page_item_attrs(get_raw_page(@rel, block::int), @rel::regclass, false) AS i WHERE i.t_attrs IS NOT NULL", connection);
        command.Parameters.AddWithValue("rel", relation);
        await using var reader = await command.ExecuteReaderAsync();
        while (await reader.ReadAsync())
        {
            var attrs = reader.GetFieldValue<byte[]?[]>(0);
            tuples.Add((attrs, reader.GetBoolean(1)));
        }
        return tuples;
    }

    private static async Task<List<byte[]>> PagesAsync(NpgsqlConnection connection, string relation)
    {
        var pages = new List<byte[]>();
        await using var command = new NpgsqlCommand(
            $"SELECT get_raw_page(@rel, block::int) FROM {Blocks}", connection);
        command.Parameters.AddWithValue("rel", relation);
        await using var reader = await command.ExecuteReaderAsync();
        while (await reader.ReadAsync()) pages.Add((byte[])reader.GetValue(0));
        return pages;
    }

    /// <summary>The chunks of a TOAST table by value id, in sequence order: chunk_id (oid), chunk_seq (int4), chunk_data (bytea).</summary>
    private static async Task<Dictionary<uint, SortedList<int, byte[]>>> ToastChunksAsync(NpgsqlConnection connection, string toast)
    {
        var chunks = new Dictionary<uint, SortedList<int, byte[]>>();
        foreach (var (attrs, _) in await TuplesAsync(connection, toast))
        {
            if (attrs.Length < 3 || attrs[0] is not { } id || attrs[1] is not { } seq || attrs[2] is not { } data) continue;
            var valueId = BinaryPrimitives.ReadUInt32LittleEndian(id);
            if (!chunks.TryGetValue(valueId, out var list)) chunks[valueId] = list = [];
            list[BinaryPrimitives.ReadInt32LittleEndian(seq)] = Strip(data);
        }
        return chunks;
    }

    /// <summary>A varlena as stored: inline (its bytes), or a pointer to TOAST (its chunks put together, if all are still there).</summary>
    private static byte[]? Value(byte[] stored, Dictionary<uint, SortedList<int, byte[]>> chunks, HashSet<uint> referenced)
    {
        // 0x01 and then tag 18: an on-disk TOAST pointer (va_rawsize, va_extinfo, va_valueid, va_toastrelid).
        if (stored.Length >= 18 && stored[0] == 0x01 && stored[1] == 18)
        {
            var size = (int)(BinaryPrimitives.ReadUInt32LittleEndian(stored.AsSpan(6)) & 0x3FFFFFFF);
            var valueId = BinaryPrimitives.ReadUInt32LittleEndian(stored.AsSpan(10));
            if (!chunks.TryGetValue(valueId, out var parts)) return null;
            referenced.Add(valueId);
            var whole = Join(parts);
            return whole.Length == size ? whole : null;
        }
        return Strip(stored);
    }

    private static byte[] Join(SortedList<int, byte[]> parts) => [.. parts.Values.SelectMany(part => part)];

    /// <summary>A varlena's data without its header (one byte for short values, four otherwise; little-endian).</summary>
    private static byte[] Strip(byte[] varlena) =>
        (varlena[0] & 0x01) == 0x01 ? varlena[1..] : varlena[4..];

    /// <summary>A state's key columns (service, state name, grain ids, grain key) as stored: the same in both tables.</summary>
    private static string Identity(byte[]?[] attrs) =>
        string.Join("|", attrs.Take(5).Select(a => a is null ? "" : Convert.ToHexString(a)));

    private static string Text(byte[]? attr) => attr is null ? "" : System.Text.Encoding.UTF8.GetString(Strip(attr));
}
