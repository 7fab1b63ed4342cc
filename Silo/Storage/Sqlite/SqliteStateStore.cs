using System.Collections.Concurrent;
using Microsoft.Data.Sqlite;

namespace Unlearning.Silo.Storage.Sqlite;

/// <summary>The natural key of a grain-state row: the table's unique key (grain_n0 and grain_n1 are 0 for string keys).</summary>
internal readonly record struct StateKey(string ServiceId, string StateName, string GrainKey);

/// <summary>
/// A silo's grain state in its SQLite file, with group commit: every write (insert, versioned update, versioned delete)
/// goes to one writer thread that owns one connection and its prepared statements, and each transaction takes every
/// write queued by then, from every grain, so a batch of an ingest (a chunk per slice and a row per shard) costs one
/// commit, and one sync of the write-ahead log, instead of one each. A write's task completes once its transaction is
/// committed: durable (synchronous FULL), or failed with the transaction. Reads run on the caller's thread on pooled
/// connections of their own, which a write never blocks (WAL).
/// </summary>
internal sealed class SqliteStateStore : IDisposable
{
    /// <summary>Most writes one transaction takes: bounds how long a transaction holds the write lock.</summary>
    private const int MaxWritesPerCommit = 2_000;

    private const string KeyFilter =
        "service_id = $service AND state_name = $state AND grain_n0 = 0 AND grain_n1 = 0 AND grain_key = $key";

    private readonly string _connectionString;
    private readonly BlockingCollection<Operation> _queue = [];
    private readonly ConcurrentBag<PreparedCommand> _readers = [];
    private readonly Thread _writer;

    public SqliteStateStore(string connectionString)
    {
        _connectionString = connectionString;
        _writer = new Thread(WriteLoop) { IsBackground = true, Name = "sqlite-grain-state-writer" };
        _writer.Start();
    }

    /// <summary>Every connection's settings: see <see cref="SecureSqliteDataSource.ConnectionPragmas"/>.</summary>
    private SqliteConnection Open()
    {
        var connection = new SqliteConnection(_connectionString);
        connection.Open();
        using var pragmas = connection.CreateCommand();
        pragmas.CommandText = SecureSqliteDataSource.ConnectionPragmas;
        pragmas.ExecuteNonQuery();
        return connection;
    }

    /// <summary>The stored payload and version, or null when there is no row.</summary>
    public (byte[] Payload, int Version)? Read(StateKey key)
    {
        if (!_readers.TryTake(out var reader))
            reader = new PreparedCommand(Open(), $"SELECT payload, version FROM grain_state WHERE {KeyFilter}");
        try
        {
            reader.Bind(key);
            using var rows = reader.Command.ExecuteReader();
            if (!rows.Read()) return null;
            return (rows.IsDBNull(0) ? [] : rows.GetFieldValue<byte[]>(0), rows.GetInt32(1));
        }
        catch
        {
            reader.Dispose();
            throw;
        }
        finally
        {
            if (reader.Command.Connection?.State == System.Data.ConnectionState.Open) _readers.Add(reader);
        }
    }

    /// <summary>Writes the payload if the row still has <paramref name="version"/> (null: only if there is no row); the new version, or null on a conflict.</summary>
    public Task<int?> WriteAsync(StateKey key, byte[] payload, int? version) =>
        Enqueue(new Operation(version is null ? OperationKind.Insert : OperationKind.Update, key, payload, version));

    /// <summary>Deletes the row if it still has <paramref name="version"/>; null on a conflict.</summary>
    public Task<int?> DeleteAsync(StateKey key, int version) => Enqueue(new Operation(OperationKind.Delete, key, null, version));

    /// <summary>
    /// Copies every committed page into the database file and truncates the write-ahead log to nothing (waiting for
    /// readers of older pages to finish), after the writes queued before it: no old page image stays in the log.
    /// </summary>
    public Task CheckpointAsync() => Enqueue(new Operation(OperationKind.Checkpoint, default, null, null));

    private Task<int?> Enqueue(Operation operation)
    {
        _queue.Add(operation);
        return operation.Done.Task;
    }

    private void WriteLoop()
    {
        SqliteConnection? connection = null;
        Statements? statements = null;
        var batch = new List<Operation>();
        try
        {
            foreach (var first in _queue.GetConsumingEnumerable())
            {
                batch.Clear();
                batch.Add(first);
                while (batch.Count < MaxWritesPerCommit && _queue.TryTake(out var next)) batch.Add(next);
                try
                {
                    connection ??= Open();
                    statements ??= new Statements(connection);
                    Commit(connection, statements, [.. batch.Where(o => o.Kind != OperationKind.Checkpoint)]);
                    foreach (var checkpoint in batch.Where(o => o.Kind == OperationKind.Checkpoint)) Checkpoint(connection, checkpoint);
                }
                catch (Exception error)
                {
                    foreach (var operation in batch) operation.Done.TrySetException(error);
                    // A broken connection is replaced at the next batch.
                    statements?.Dispose();
                    connection?.Dispose();
                    (statements, connection) = (null, null);
                }
            }
        }
        finally
        {
            statements?.Dispose();
            connection?.Dispose();
        }
    }

    private static void Commit(SqliteConnection connection, Statements statements, Operation[] writes)
    {
        if (writes.Length == 0) return;
        var outcomes = new int?[writes.Length];
        using (var transaction = connection.BeginTransaction())
        {
            for (var i = 0; i < writes.Length; i++) outcomes[i] = statements.Execute(writes[i], transaction);
            transaction.Commit();
        }
        for (var i = 0; i < writes.Length; i++) writes[i].Done.TrySetResult(outcomes[i]);
    }

    private static void Checkpoint(SqliteConnection connection, Operation operation)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(60);
        using var command = connection.CreateCommand();
        command.CommandText = "PRAGMA wal_checkpoint(TRUNCATE);";
        while (true)
        {
            using (var result = command.ExecuteReader())
            {
                // (busy, frames in the log, frames checkpointed): busy 0 means every frame is in the file and the log is empty.
                if (result.Read() && result.GetInt32(0) == 0)
                {
                    operation.Done.TrySetResult(0);
                    return;
                }
            }
            if (DateTime.UtcNow > deadline) throw new TimeoutException("the write-ahead log could not be checkpointed within 60 s: a reader held it");
            Thread.Sleep(5);
        }
    }

    /// <summary>A statement with the parameters its text names, prepared on <paramref name="connection"/>.</summary>
    private static SqliteCommand Prepare(SqliteConnection connection, string sql)
    {
        var command = connection.CreateCommand();
        command.CommandText = sql;
        foreach (var name in ParameterNames)
            if (sql.Contains(name, StringComparison.Ordinal)) command.Parameters.Add(new SqliteParameter(name, null));
        command.Prepare();
        return command;
    }

    private static readonly string[] ParameterNames = ["$service", "$state", "$key", "$payload", "$version"];

    private static void Bind(SqliteCommand command, StateKey key, byte[]? payload, int? version)
    {
        foreach (SqliteParameter parameter in command.Parameters)
        {
            parameter.Value = parameter.ParameterName switch
            {
                "$service" => key.ServiceId,
                "$state" => key.StateName,
                "$key" => key.GrainKey,
                "$payload" => (object?)payload,
                _ => version,
            } ?? DBNull.Value;
        }
    }

    public void Dispose()
    {
        _queue.CompleteAdding();
        _writer.Join();
        while (_readers.TryTake(out var reader)) reader.Dispose();
        _queue.Dispose();
    }

    private enum OperationKind
    {
        Insert,
        Update,
        Delete,
        Checkpoint,
    }

    private sealed record Operation(OperationKind Kind, StateKey Key, byte[]? Payload, int? Version)
    {
        public TaskCompletionSource<int?> Done { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
    }

    /// <summary>A connection with one prepared statement on it; parameters bound per use.</summary>
    private sealed class PreparedCommand : IDisposable
    {
        public PreparedCommand(SqliteConnection connection, string sql) => Command = Prepare(connection, sql);

        public SqliteCommand Command { get; }

        public void Bind(StateKey key) => SqliteStateStore.Bind(Command, key, null, null);

        public void Dispose()
        {
            var connection = Command.Connection;
            Command.Dispose();
            connection?.Dispose();
        }
    }

    /// <summary>The writer's statements, prepared once on its connection.</summary>
    private sealed class Statements(SqliteConnection connection) : IDisposable
    {
        private readonly SqliteCommand _insert = Prepare(connection,
            "INSERT INTO grain_state (service_id, state_name, grain_n0, grain_n1, grain_key, version, payload) " +
            "VALUES ($service, $state, 0, 0, $key, 1, $payload) " +
            "ON CONFLICT (service_id, state_name, grain_n0, grain_n1, grain_key) DO NOTHING");
        private readonly SqliteCommand _update = Prepare(connection,
            "UPDATE grain_state SET payload = $payload, version = version + 1, modified_on = strftime('%Y-%m-%dT%H:%M:%fZ', 'now') " +
            $"WHERE {KeyFilter} AND version = $version");
        private readonly SqliteCommand _delete = Prepare(connection, $"DELETE FROM grain_state WHERE {KeyFilter} AND version = $version");

        /// <summary>Runs one write in <paramref name="transaction"/>: the row's new version, or null when its version did not match.</summary>
        public int? Execute(Operation operation, SqliteTransaction transaction)
        {
            var command = operation.Kind switch
            {
                OperationKind.Insert => _insert,
                OperationKind.Update => _update,
                _ => _delete,
            };
            command.Transaction = transaction;
            Bind(command, operation.Key, operation.Payload, operation.Version);
            if (command.ExecuteNonQuery() != 1) return null;
            return operation.Kind switch
            {
                OperationKind.Insert => 1,
                OperationKind.Update => operation.Version + 1,
                _ => 0,
            };
        }

        public void Dispose()
        {
            _insert.Dispose();
            _update.Dispose();
            _delete.Dispose();
        }
    }
}
