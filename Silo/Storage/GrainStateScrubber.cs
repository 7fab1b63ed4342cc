using System.Data.Common;
using Npgsql;
using Unlearning.Storage;

namespace Unlearning.Silo.Storage;

/// <summary>
/// Clears what deleted and overwritten grain state leaves behind in the store.
/// <para>
/// PostgreSQL never overwrites a row in place: an UPDATE of a grain's state writes a new row version and leaves the old
/// one as a dead version in the table and its TOAST table, invisible to queries but present in the files until a vacuum.
/// Every version is sealed under a key of its own, kept in state_keys (<see cref="ShreddableStateSerializer"/>), so a
/// dead version of a shard's records is readable only while the dead version of its key is in state_keys' files. After
/// a forget this runs VACUUM FULL (the default, <see cref="VacuumMode.Full"/>) on the partitions of state_keys that hold
/// the forget's grains: they are rewritten into new files and the old ones unlinked, so no file keeps a dead key. Those
/// partitions hold keys and grain names only (a row of about a hundred bytes per state, a state being a chunk of up to
/// 256 records or a shard's weights), so the rewrite costs milliseconds however many records the shard holds; the sealed
/// dead versions in grain_state are autovacuum's. Past versions also stay in PostgreSQL's write-ahead log until its
/// segments are recycled (after the next checkpoints); backups and replicas are outside this process's reach.
/// </para>
/// <para>
/// Rows an earlier version stored unsealed (before state_keys) have plaintext dead versions: a forget that finds such
/// rows among its grains' when it notes its debt (<see cref="OweAsync"/>) marks the debt, and its scrub also rewrites
/// the grain_state partitions holding them (every row of one shard lives in one partition).
/// </para>
/// <para>
/// Nothing vacuums whole tables: a forget or delete notes its grains in scrub_owed before it writes and vacuums their
/// partitions before it returns; the periodic maintenance only pays what such a scrub left owed.
/// </para>
/// <para>
/// SQLite needs nothing here: its connections run with secure_delete (freed content zeroed in place), and its
/// own scrubber checkpoints and truncates the write-ahead log after a forget (<see cref="Sqlite.SqliteCheckpointScrubber"/>).
/// </para>
/// </summary>
public sealed class GrainStateScrubber(StorageOptions options, ILogger<GrainStateScrubber> logger) : IForgottenDataScrubber
{
    /// <summary>Arbitrary, fixed: only one silo vacuums at a time.</summary>
    private const long VacuumLock = 0x756e6c6561726f;

    /// <summary>How long a forget's scrub waits for older transactions to end before it vacuums anyway.</summary>
    private static readonly TimeSpan HorizonWait = TimeSpan.FromSeconds(30);

    /// <summary>
    /// How old a debt must be before the periodic maintenance pays it: a younger one belongs to a forget still running,
    /// which scrubs its own rows when it ends (a receipt normally comes within seconds).
    /// </summary>
    public static readonly TimeSpan OwedGrace = TimeSpan.FromMinutes(2);

    private const int ScrubAttempts = 3;

    public bool IsActive => options.EffectiveProvider == StorageProvider.Postgres && options.Vacuum != VacuumMode.Off;

    /// <summary>
    /// Notes in scrub_owed (one row per grain key, its latest debt) that these grains' rows are about to be rewritten, and
    /// whether any of them is stored unsealed (its dead version will be plaintext).
    /// </summary>
    public async Task OweAsync(IReadOnlyCollection<string> grainKeys, CancellationToken cancellationToken)
    {
        if (!IsActive || grainKeys.Count == 0) return;
        await using var connection = new NpgsqlConnection(options.Postgres);
        await connection.OpenAsync(cancellationToken);
        // Both tables filtered by grain_key = ANY(@keys), each on its own: the planner then sees the keys and plans only
        // their partitions. Filtered through a join or per key of unnest(@keys) it planned all 64, 10-25 ms per forget.
        await using var owe = new NpgsqlCommand(
            "WITH plaintext AS (SELECT DISTINCT g.grain_key FROM grain_state g WHERE g.grain_key = ANY(@keys) AND g.payload IS NOT NULL " +
            "AND NOT EXISTS (SELECT 1 FROM state_keys k WHERE k.grain_key = ANY(@keys) AND k.service_id = g.service_id " +
            "AND k.state_name = g.state_name AND k.grain_n0 = g.grain_n0 AND k.grain_n1 = g.grain_n1 AND k.grain_key = g.grain_key)) " +
            "INSERT INTO scrub_owed (grain_key, owed_since, plaintext) " +
            "SELECT key, clock_timestamp(), key IN (SELECT grain_key FROM plaintext) FROM unnest(@keys) AS key " +
            "ON CONFLICT (grain_key) DO UPDATE SET owed_since = EXCLUDED.owed_since, plaintext = scrub_owed.plaintext OR EXCLUDED.plaintext",
            connection);
        owe.Parameters.AddWithValue("keys", grainKeys.Distinct(StringComparer.Ordinal).ToArray());
        await owe.ExecuteNonQueryAsync(cancellationToken);
    }

    private ScrubRounds? _rounds;

    /// <summary>
    /// Vacuums the partitions holding these grains' keys (PostgreSQL), and their rows' when they were stored unsealed, in
    /// the next round of this silo's scrubs (<see cref="ScrubRounds"/>: every scrub asked for meanwhile shares it), waiting
    /// for a vacuum another silo runs, and settles their debts when no older transaction held the vacuum back.
    /// </summary>
    /// <param name="cancellationToken">Stops the wait only: the round goes on for the others in it.</param>
    public Task ScrubAsync(IReadOnlyCollection<string> grainKeys, CancellationToken cancellationToken)
    {
        if (!IsActive) return Task.CompletedTask;
        var rounds = LazyInitializer.EnsureInitialized(ref _rounds, () => new ScrubRounds(ScrubRoundAsync));
        return rounds.ScrubAsync(grainKeys).WaitAsync(cancellationToken);
    }

    /// <summary>
    /// One round's vacuum. A failed attempt is made again on a new connection: the forgets that asked have already removed
    /// their records, and sending them again would find nothing to remove. (One known failure: a VACUUM FULL that must keep
    /// a dead version whose TOAST data a pruning with a newer horizon has removed stops with "missing chunk number 0 for
    /// toast value", PostgreSQL bug 18351; the next attempt, past that version's horizon, drops it.)
    /// </summary>
    private async Task ScrubRoundAsync(IReadOnlyCollection<string> grainKeys)
    {
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                await RunAsync(grainKeys, owedBefore: null, wait: true, CancellationToken.None);
                return;
            }
            catch (DbException error) when (attempt < ScrubAttempts)
            {
                logger.LogWarning("The vacuum after a forget failed ({Error}); attempt {Attempt} of {Attempts} follows",
                    error.Message, attempt + 1, ScrubAttempts);
            }
        }
    }

    /// <summary>
    /// Pays the debts older than <paramref name="olderThan"/> (scrubs a killed silo or a long transaction cut short),
    /// after the vacuum another silo runs if <paramref name="wait"/>, else not at all then; true if it vacuumed. Only the
    /// partitions that hold those grains' keys (and their rows, when stored unsealed) are rewritten: the rest is left to
    /// PostgreSQL's autovacuum (its dead versions hold no forgotten data, or only sealed under keys already gone).
    /// </summary>
    public Task<bool> ScrubOwedAsync(TimeSpan olderThan, bool wait = false, CancellationToken cancellationToken = default) =>
        RunAsync(null, olderThan, wait, cancellationToken);

    /// <param name="grainKeys">A forget's grains; null to take the grains owed for longer than <paramref name="owedBefore"/>.</param>
    private async Task<bool> RunAsync(IReadOnlyCollection<string>? grainKeys, TimeSpan? owedBefore, bool wait, CancellationToken cancellationToken)
    {
        if (!IsActive) return false;
        await using var connection = new NpgsqlConnection(options.Postgres);
        await connection.OpenAsync(cancellationToken);
        await using (var take = new NpgsqlCommand("SELECT pg_try_advisory_lock(@lock)", connection))
        {
            take.Parameters.AddWithValue("lock", VacuumLock);
            // Polled, not waited for in pg_advisory_lock: a statement waiting there holds a snapshot, which would hold
            // back the vacuum it waits for (see WaitForOlderSnapshotsAsync).
            while (!(bool)(await take.ExecuteScalarAsync(cancellationToken))!)
            {
                if (!wait) return false;
                await Task.Delay(TimeSpan.FromMilliseconds(20), cancellationToken);
            }
        }
        try
        {
            var started = System.Diagnostics.Stopwatch.StartNew();
            // Debts noted before this point are paid by this vacuum if nothing holds its horizon back.
            var cutoff = await ScalarAsync<DateTime>(connection, "SELECT clock_timestamp()", cancellationToken) - (owedBefore ?? TimeSpan.Zero);
            var keys = grainKeys ?? await OwedAsync(connection, cutoff, cancellationToken);
            if (keys.Count == 0) return false;
            var clear = await WaitForOlderSnapshotsAsync(connection, warn: grainKeys is not null, cancellationToken);
            if (!clear && grainKeys is null) return false; // the debts stay; the next round tries again
            var relations = await RelationsHoldingAsync(connection, "state_keys", keys, cancellationToken);
            if (await PlaintextAsync(connection, keys, cancellationToken) is { Count: > 0 } plaintext)
                relations.AddRange(await RelationsHoldingAsync(connection, "grain_state", plaintext, cancellationToken));
            foreach (var relation in relations) await VacuumAsync(connection, relation, cancellationToken);
            if (clear)
            {
                await using var settle = new NpgsqlCommand("DELETE FROM scrub_owed WHERE grain_key = ANY(@keys) AND owed_since <= @cutoff", connection);
                settle.Parameters.AddWithValue("keys", keys.ToArray());
                settle.Parameters.AddWithValue("cutoff", cutoff);
                await settle.ExecuteNonQueryAsync(cancellationToken);
            }
            if (grainKeys is null)
            {
                logger.LogInformation("Vacuumed {Relations} ({Mode}) for {Grains} grains whose scrub was owed, in {Elapsed} ms",
                    string.Join(", ", relations), options.Vacuum, keys.Count, started.ElapsedMilliseconds);
            }
            else
            {
                logger.LogDebug("Vacuumed {Relations} ({Mode}) in {Elapsed} ms", string.Join(", ", relations), options.Vacuum, started.ElapsedMilliseconds);
            }
            return true;
        }
        finally
        {
            // A broken connection has ended its session, and the lock with it.
            if (connection.State == System.Data.ConnectionState.Open)
                await ReleaseAsync(connection);
        }
    }

    private static async Task<List<string>> OwedAsync(NpgsqlConnection connection, DateTime cutoff, CancellationToken cancellationToken)
    {
        var keys = new List<string>();
        await using var command = new NpgsqlCommand("SELECT grain_key FROM scrub_owed WHERE owed_since <= @cutoff", connection);
        command.Parameters.AddWithValue("cutoff", cutoff);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken)) keys.Add(reader.GetString(0));
        return keys;
    }

    private static async Task ReleaseAsync(NpgsqlConnection connection)
    {
        await using var release = new NpgsqlCommand("SELECT pg_advisory_unlock(@lock)", connection);
        release.Parameters.AddWithValue("lock", VacuumLock);
        await release.ExecuteNonQueryAsync(CancellationToken.None);
    }

    /// <summary>
    /// Waits until nothing holds the vacuum's horizon before now. A vacuum keeps every dead row version that some
    /// snapshot might still see (VACUUM FULL copies it into the new files), so a version a forget has just replaced
    /// survives a vacuum that runs while the horizon is older than the forget's write. Two things set that horizon:
    /// <list type="bullet">
    /// <item>the snapshots of the other sessions of this database: their snapshot horizons (xmin) and transaction ids.
    /// Which transactions hold one is not a matter of when they began: a transaction begun after the forget still gets
    /// an old horizon while one that began before it runs;</item>
    /// <item>the vacuum's own snapshot, which starts at the oldest transaction running on the whole server, in any
    /// database (another application's long write holds back a vacuum here although it cannot see these rows).</item>
    /// </list>
    /// So this waits until the oldest transaction running on the server, and every snapshot horizon of this database, is
    /// at least the next transaction id at the start (sessions still starting up, not yet in a database, count as this
    /// database's). After <see cref="HorizonWait"/> it vacuums anyway and says so: the periodic vacuum clears what is left
    /// once they end.
    /// <para>
    /// A session running a plain (lazy) VACUUM shows a snapshot horizon too, but PostgreSQL leaves such sessions out of
    /// every horizon it computes (they are marked PROC_IN_VACUUM), so they hold back no VACUUM FULL and are not waited for
    /// (those listed in pg_stat_progress_vacuum, which an ANALYZE or a VACUUM FULL never is). Autovacuum runs them for
    /// seconds on the TOAST tables after a large ingest: waiting for each made forgets take a second instead of a tenth.
    /// </para>
    /// </summary>
    /// <returns>False when it gave up waiting.</returns>
    private async Task<bool> WaitForOlderSnapshotsAsync(NpgsqlConnection connection, bool warn, CancellationToken cancellationToken)
    {
        // The next transaction id as this session sees it (64 bits); snapshots and ids in pg_stat_activity are 32-bit.
        var next = ulong.Parse(await ScalarAsync<string>(connection, "SELECT pg_snapshot_xmax(pg_current_snapshot())::text", cancellationToken),
            System.Globalization.CultureInfo.InvariantCulture);
        // pg_current_snapshot()'s xmin is the oldest transaction running anywhere on the server, as the vacuum's snapshot
        // will see it; pg_stat_activity shows this database's snapshot horizons (and is all a session may read of others).
        await using var command = new NpgsqlCommand(
            "SELECT (pg_snapshot_xmin(pg_current_snapshot()) < @next::xid8)::int + (SELECT count(*) FROM pg_stat_activity " +
            "WHERE pid <> pg_backend_pid() AND (datname = current_database() OR datname IS NULL) " +
            "AND pid NOT IN (SELECT pid FROM pg_stat_progress_vacuum) " +
            "AND ((backend_xid IS NOT NULL AND age(backend_xid) > age(@next32::xid)) OR (backend_xmin IS NOT NULL AND age(backend_xmin) > age(@next32::xid))))",
            connection);
        command.Parameters.AddWithValue("next", next.ToString(System.Globalization.CultureInfo.InvariantCulture));
        command.Parameters.AddWithValue("next32", (next % (1UL << 32)).ToString(System.Globalization.CultureInfo.InvariantCulture));
        var waited = System.Diagnostics.Stopwatch.StartNew();
        while (Convert.ToInt64(await command.ExecuteScalarAsync(cancellationToken), System.Globalization.CultureInfo.InvariantCulture) > 0)
        {
            if (waited.Elapsed >= HorizonWait)
            {
                if (!warn) return false;
                logger.LogWarning("A transaction open for over {Seconds} s holds back the vacuum of a forget: row versions it may still see " +
                    "stay in the table files until the periodic vacuum after it ends", (int)HorizonWait.TotalSeconds);
                return false;
            }
            await Task.Delay(TimeSpan.FromMilliseconds(20), cancellationToken);
        }
        return true;
    }

    private async Task VacuumAsync(NpgsqlConnection connection, string relation, CancellationToken cancellationToken)
    {
        await using var vacuum = new NpgsqlCommand(options.Vacuum == VacuumMode.Full ? $"VACUUM (FULL) {relation}" : $"VACUUM {relation}", connection);
        vacuum.CommandTimeout = 0;
        await vacuum.ExecuteNonQueryAsync(cancellationToken);
    }

    /// <summary>
    /// The partitions of <paramref name="table"/> (grain_state or state_keys, partitioned alike) holding rows of
    /// <paramref name="grainKeys"/> (all of a grain's rows share one), as regclass names; the whole table when it is not
    /// partitioned or when no such row is left.
    /// </summary>
    private static async Task<List<string>> RelationsHoldingAsync(NpgsqlConnection connection, string table, IReadOnlyCollection<string> grainKeys,
        CancellationToken cancellationToken)
    {
        var relations = new List<string>();
        await using (var command = new NpgsqlCommand(
            $"SELECT DISTINCT tableoid::regclass::text FROM {table} WHERE grain_key = ANY(@keys)", connection))
        {
            command.Parameters.AddWithValue("keys", grainKeys.ToArray());
            await using var reader = await command.ExecuteReaderAsync(cancellationToken);
            while (await reader.ReadAsync(cancellationToken)) relations.Add(reader.GetString(0));
        }
        return relations.Count > 0 ? relations : [table];
    }

    /// <summary>Those of <paramref name="grainKeys"/> whose debt says some of their rows were stored unsealed.</summary>
    private static async Task<List<string>> PlaintextAsync(NpgsqlConnection connection, IReadOnlyCollection<string> grainKeys, CancellationToken cancellationToken)
    {
        var keys = new List<string>();
        await using var command = new NpgsqlCommand("SELECT grain_key FROM scrub_owed WHERE grain_key = ANY(@keys) AND plaintext", connection);
        command.Parameters.AddWithValue("keys", grainKeys.ToArray());
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken)) keys.Add(reader.GetString(0));
        return keys;
    }

    private static async Task<T> ScalarAsync<T>(NpgsqlConnection connection, string sql, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand(sql, connection);
        var value = await command.ExecuteScalarAsync(cancellationToken);
        return value is null or DBNull ? default! : (T)Convert.ChangeType(value, Nullable.GetUnderlyingType(typeof(T)) ?? typeof(T), System.Globalization.CultureInfo.InvariantCulture);
    }
}

/// <summary>
/// Runs <see cref="GrainStateScrubber.ScrubOwedAsync"/> every <see cref="StorageOptions.VacuumInterval"/>, so the dead row
/// versions of a forget whose own scrub did not finish (its silo killed, an old transaction holding it back) are cleared
/// within about <see cref="GrainStateScrubber.OwedGrace"/> plus one interval.
/// </summary>
public sealed class GrainStateScrubberService(GrainStateScrubber scrubber, StorageOptions options, ILogger<GrainStateScrubberService> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (!scrubber.IsActive) return;
        using var timer = new PeriodicTimer(options.VacuumInterval);
        while (await timer.WaitForNextTickAsync(stoppingToken).ConfigureAwait(false))
        {
            try
            {
                await scrubber.ScrubOwedAsync(GrainStateScrubber.OwedGrace, cancellationToken: stoppingToken);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception error)
            {
                logger.LogWarning(error, "The vacuum of owed scrubs failed; retrying in {Interval}", options.VacuumInterval);
            }
        }
    }
}
