using System.Diagnostics;
using Npgsql;
using Unlearning.TestKit;
using Unlearning.Tests.Support;
using Xunit.Abstractions;

namespace Unlearning.Tests.Storage;

/// <summary>
/// A vacuum keeps the dead row versions that a transaction still running might see: a forget's scrub waits for the
/// transactions begun before it, so the forgotten records do not survive in the rewritten table files.
/// </summary>
public sealed class ScrubHorizonTests(ITestOutputHelper output)
{
    private static readonly TimeSpan Held = TimeSpan.FromSeconds(2);

    [Fact]
    public async Task A_forget_beside_an_older_open_transaction_still_leaves_no_trace_in_the_table_files()
    {
        await using var database = await TestPostgres.CreateDatabaseAsync("horizon");
        if (database is null) return; // no PostgreSQL outside CI; under CI=true this fails instead
        await using var trained = await TrainedAsync(database);
        if (trained is null) return;

        // A session that took its snapshot before the forget, as a long report or a backup would: it may still see the
        // subject's row versions, so no vacuum may drop them while it runs.
        await using var snapshot = await database.HoldSnapshotAsync();

        await ForgetBesideAsync(trained, snapshot.Transaction, "the older transaction");
    }

    [Fact]
    public async Task A_forget_beside_an_older_transaction_in_another_database_still_leaves_no_trace_in_the_table_files()
    {
        await using var database = await TestPostgres.CreateDatabaseAsync("horizon");
        if (database is null) return; // no PostgreSQL outside CI; under CI=true this fails instead
        await using var other = await TestPostgres.CreateDatabaseAsync("horizon_other");
        await using var trained = await TrainedAsync(database);
        if (trained is null) return;

        // A writing transaction of another application on the same server. It cannot see this database's rows, but the
        // vacuum's own snapshot starts at the oldest transaction running on the whole server, and a vacuum keeps every
        // version deleted after that: without waiting for it, the forgotten chunk is copied into the new table files.
        await using var neighbour = new NpgsqlConnection(other!.ConnectionString);
        await neighbour.OpenAsync();
        await using var writing = await neighbour.BeginTransactionAsync();
        await using (var take = new NpgsqlCommand("SELECT pg_current_xact_id()", neighbour, writing)) await take.ExecuteScalarAsync();

        await ForgetBesideAsync(trained, writing, "the older transaction in the other database");
    }

    /// <summary>
    /// Forgets the subject while <paramref name="older"/> stays open for <see cref="Held"/>: the forget must not answer before
    /// it ends, and afterwards the table files hold nothing of the subject.
    /// </summary>
    private async Task ForgetBesideAsync(Trained trained, NpgsqlTransaction older, string what)
    {
        var clock = Stopwatch.StartNew();
        var forget = trained.Model.Forget(trained.Subject);
        await Task.Delay(Held);
        Assert.False(forget.IsCompleted, $"the forget's scrub did not wait for {what}");
        await older.CommitAsync();
        Assert.True((await forget).RecordsRemoved > 0);
        output.WriteLine($"forget returned {clock.ElapsedMilliseconds} ms after it was sent; {what} ended after {Held.TotalMilliseconds} ms");

        await trained.AssertGoneAsync();
    }

    [Fact]
    public async Task A_forget_beside_overlapping_transactions_begun_after_it_still_leaves_no_trace_in_the_table_files()
    {
        await using var database = await TestPostgres.CreateDatabaseAsync("horizon");
        if (database is null) return; // no PostgreSQL outside CI; under CI=true this fails instead
        await using var trained = await TrainedAsync(database);
        if (trained is null) return;

        // Busy sessions whose transactions overlap, each begun while older ones run: one begun after the forget's write
        // still has a snapshot horizon from before it. Waiting only for the transactions begun before the scrub is not
        // enough; the vacuum must wait until no snapshot is that old.
        using var stop = new CancellationTokenSource();
        var overlapping = OverlappingTransactionsAsync(database.ConnectionString, stop.Token);
        await Task.Delay(TimeSpan.FromSeconds(1));
        var clock = Stopwatch.StartNew();
        Assert.True((await trained.Model.Forget(trained.Subject)).RecordsRemoved > 0);
        output.WriteLine($"forget returned {clock.ElapsedMilliseconds} ms after it was sent, beside transactions of {Overlap.TotalMilliseconds * Overlapping} ms");
        await stop.CancelAsync();
        await overlapping;

        await trained.AssertGoneAsync();
    }

    [Fact]
    public async Task A_forget_beside_a_long_plain_vacuum_does_not_wait_for_it_and_still_leaves_no_trace_in_the_table_files()
    {
        await using var database = await TestPostgres.CreateDatabaseAsync("horizon");
        if (database is null) return; // no PostgreSQL outside CI; under CI=true this fails instead
        await using var trained = await TrainedAsync(database);
        if (trained is null) return;

        // A plain VACUUM of a table of dead rows, slowed to take some seconds, as autovacuum's take on the TOAST tables
        // after a large ingest. Its session shows a snapshot horizon, but PostgreSQL leaves plain vacuums out of the horizon
        // a VACUUM FULL keeps row versions for: the forget's scrub has no reason to wait for it.
        await database.ExecuteAsync("CREATE TABLE ballast AS SELECT g AS n FROM generate_series(1, 8000) AS g; DELETE FROM ballast;");
        await using var vacuuming = new NpgsqlConnection(database.ConnectionString);
        await vacuuming.OpenAsync();
        await using (var slow = new NpgsqlCommand("SET vacuum_cost_delay = '100ms'; SET vacuum_cost_limit = 1;", vacuuming))
            await slow.ExecuteNonQueryAsync();
        var pid = vacuuming.ProcessID;
        await using var vacuumCommand = new NpgsqlCommand("VACUUM ballast", vacuuming) { CommandTimeout = 0 };
        var vacuum = vacuumCommand.ExecuteNonQueryAsync();
        var started = Stopwatch.StartNew();
        while (!await PlainVacuumRunningAsync(database, pid))
        {
            Assert.True(started.Elapsed < TimeSpan.FromSeconds(10) && !vacuum.IsCompleted, "the plain vacuum did not start, or ended at once");
            await Task.Delay(20);
        }

        var clock = Stopwatch.StartNew();
        Assert.True((await trained.Model.Forget(trained.Subject)).RecordsRemoved > 0);
        var running = await PlainVacuumRunningAsync(database, pid);
        output.WriteLine($"forget returned {clock.ElapsedMilliseconds} ms after it was sent; the plain vacuum {(running ? "still runs" : "has ended")}");
        Assert.True(running, $"the forget returned after {clock.ElapsedMilliseconds} ms, once the plain vacuum had ended: its scrub waited for it");
        await trained.AssertGoneAsync();

        await database.ExecuteAsync($"SELECT pg_cancel_backend({pid})");
        await Assert.ThrowsAsync<PostgresException>(() => vacuum);
    }

    private static async Task<bool> PlainVacuumRunningAsync(TestDatabase database, int pid)
    {
        await using var connection = new NpgsqlConnection(database.ConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand("SELECT count(*) FROM pg_stat_progress_vacuum WHERE pid = @pid", connection);
        command.Parameters.AddWithValue("pid", pid);
        return (long)(await command.ExecuteScalarAsync())! > 0;
    }

    private static readonly TimeSpan Overlap = TimeSpan.FromMilliseconds(100);
    private const int Overlapping = 4;

    /// <summary>Transactions with ids and snapshots, a new one every <see cref="Overlap"/>, each open while the next <see cref="Overlapping"/> begin.</summary>
    private static async Task OverlappingTransactionsAsync(string connectionString, CancellationToken stop)
    {
        var open = new Queue<(NpgsqlConnection Connection, NpgsqlTransaction Transaction)>();
        try
        {
            while (!stop.IsCancellationRequested)
            {
                var connection = new NpgsqlConnection(connectionString);
                await connection.OpenAsync(CancellationToken.None);
                var transaction = await connection.BeginTransactionAsync(System.Data.IsolationLevel.RepeatableRead, CancellationToken.None);
                await using (var take = new NpgsqlCommand("SELECT pg_current_xact_id()", connection, transaction)) await take.ExecuteScalarAsync(CancellationToken.None);
                open.Enqueue((connection, transaction));
                if (open.Count > Overlapping) await EndAsync(open.Dequeue());
                await Task.Delay(Overlap, CancellationToken.None);
            }
        }
        finally
        {
            while (open.Count > 0) await EndAsync(open.Dequeue());
        }

        static async Task EndAsync((NpgsqlConnection Connection, NpgsqlTransaction Transaction) session)
        {
            await session.Transaction.CommitAsync();
            await session.Connection.DisposeAsync();
        }
    }

    /// <summary>A model of unique records trained on PostgreSQL, and one subject to forget; null when this process cannot read the table files.</summary>
    private async Task<Trained?> TrainedAsync(TestDatabase database)
    {
        var storage = database.Storage(TestDatabase.OwnScrubOnly);
        var data = Dataset.Wdbc();
        var train = StorageAudit.WithUniqueFeatures(data.Split().Train).ToArray();
        var name = ClusterFixture.UniqueName("horizon");
        var cluster = await StorageCluster.StartAsync(storage);
        var model = cluster.Model(name);
        await model.Create(data.Config(name, 2, 2));
        await model.Ingest(train);
        await model.Train();
        var subject = train[11].Subject;
        var trained = new Trained(cluster, model, subject, StorageAudit.NeedlesOf(train.Where(r => r.Subject == subject)), database.ConnectionString);
        var (before, filesRead) = await StorageAudit.PostgresStoreAsync(database.ConnectionString);
        Assert.True(filesRead || !SharedData.RequiredByCi, "CI could not read the PostgreSQL table files");
        if (!filesRead)
        {
            await trained.DisposeAsync();
            return null; // the rows alone cannot show a dead version: outside CI, without access to the files
        }
        Assert.NotEmpty(StorageAudit.Find(before, trained.Needles));
        return trained;
    }

    private sealed record Trained(StorageCluster Cluster, IModelGrain Model, string Subject, Needle[] Needles, string ConnectionString) : IAsyncDisposable
    {
        public async Task AssertGoneAsync()
        {
            var (after, _) = await StorageAudit.PostgresStoreAsync(ConnectionString);
            var left = StorageAudit.Find(after, Needles);
            Assert.True(left.Count == 0, "still stored after the forget:\n" + string.Join("\n", left.Take(20)));
        }

        public ValueTask DisposeAsync() => Cluster.DisposeAsync();
    }
}
