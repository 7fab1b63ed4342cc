using Unlearning.Storage;

namespace Unlearning.Silo.Storage.Sqlite;

/// <summary>
/// After a forget, the write-ahead log still holds page images written before it (the forgotten records among them) until
/// a checkpoint: this one copies every page into the database file, where secure_delete has zeroed the freed content, and
/// truncates the log to nothing before the forget returns.
/// </summary>
internal sealed class SqliteCheckpointScrubber(SqliteStateStore store) : IForgottenDataScrubber
{
    /// <summary>Nothing to record: a checkpoint that a crash cut short is run by SQLite itself when the database next opens.</summary>
    public Task OweAsync(IReadOnlyCollection<string> grainKeys, CancellationToken cancellationToken) => Task.CompletedTask;

    public Task ScrubAsync(IReadOnlyCollection<string> grainKeys, CancellationToken cancellationToken) =>
        store.CheckpointAsync().WaitAsync(cancellationToken);
}
