using Microsoft.Extensions.DependencyInjection;
using Orleans.Serialization;
using Orleans.Serialization.Serializers;
using Orleans.Storage;
using Unlearning.Shard;
using Unlearning.Silo.Storage;
using Unlearning.Silo.Storage.Sqlite;

namespace Unlearning.Tests.Storage;

/// <summary>
/// The silo's SQLite grain storage keeps Orleans' optimistic-concurrency contract (a write or clear with a stale ETag
/// changes nothing and throws), and its group commit loses no write of many sent at once.
/// </summary>
public sealed class SqliteGrainStorageTests : IDisposable
{
    private readonly TempDirectory _directory = new("sqlite-storage");
    private readonly ServiceProvider _services = new ServiceCollection().AddSerializer().BuildServiceProvider();
    private readonly SqliteStateStore _store;
    private readonly SqliteGrainStorage _storage;

    public SqliteGrainStorageTests()
    {
        var path = Path.Combine(_directory.Path, StorageOptions.SqliteFileName);
        SchemaInstaller.InstallSqliteAsync(path).GetAwaiter().GetResult();
        SchemaInstaller.InstallSqliteAsync(path).GetAwaiter().GetResult(); // idempotent
        _store = new SqliteStateStore(SecureSqliteDataSource.BuildConnectionString(path, 5));
        _storage = new SqliteGrainStorage("test", "contract", _store,
            new OrleansGrainStorageSerializer(_services.GetRequiredService<Serializer>()), _services.GetRequiredService<IActivatorProvider>());
    }

    private static readonly GrainId Grain = GrainId.Create("shard", "model/3");

    [Fact]
    public async Task Stale_versions_are_refused()
    {
        var first = new GrainState<ShardState>(new ShardState { NextChunk = 1 });
        await _storage.WriteStateAsync("shard", Grain, first);
        Assert.Equal("1", first.ETag);
        await Assert.ThrowsAsync<InconsistentStateException>(() => _storage.WriteStateAsync("shard", Grain, new GrainState<ShardState>(new ShardState())));

        var stale = new GrainState<ShardState>(new ShardState(), "1");
        first.State!.NextChunk = 2;
        await _storage.WriteStateAsync("shard", Grain, first);
        Assert.Equal("2", first.ETag);
        await Assert.ThrowsAsync<InconsistentStateException>(() => _storage.WriteStateAsync("shard", Grain, stale));

        var read = new GrainState<ShardState>();
        await _storage.ReadStateAsync("shard", Grain, read);
        Assert.True(read.RecordExists);
        Assert.Equal(("2", 2), (read.ETag, read.State!.NextChunk));

        await Assert.ThrowsAsync<InconsistentStateException>(() => _storage.ClearStateAsync("shard", Grain, stale));
        await _storage.ClearStateAsync("shard", Grain, read);
        var gone = new GrainState<ShardState>();
        await _storage.ReadStateAsync("shard", Grain, gone);
        Assert.False(gone.RecordExists);
        Assert.Null(gone.ETag);
        // The row is gone: only a first write may create it again.
        await Assert.ThrowsAsync<InconsistentStateException>(() => _storage.WriteStateAsync("shard", Grain, new GrainState<ShardState>(new ShardState(), "2")));
        await _storage.WriteStateAsync("shard", Grain, new GrainState<ShardState>(new ShardState()));
    }

    [Fact]
    public async Task Writes_sent_together_are_all_committed()
    {
        var chunks = Enumerable.Range(0, 500).Select(i => new GrainState<RecordChunk>(
            new RecordChunk([$"r{i}"], [$"s{i}"], [i, -i], [i % 2]))).ToArray();
        await Task.WhenAll(chunks.Select((chunk, i) => _storage.WriteStateAsync($"records-{i}", Grain, chunk)));
        for (var i = 0; i < chunks.Length; i++)
        {
            var read = new GrainState<RecordChunk>();
            await _storage.ReadStateAsync($"records-{i}", Grain, read);
            Assert.Equal(("1", $"r{i}", (double)-i), (read.ETag, read.State!.Ids[0], read.State.Features[1]));
        }
        await _store.CheckpointAsync();
        Assert.Equal(0, new FileInfo(Path.Combine(_directory.Path, StorageOptions.SqliteFileName + "-wal")).Length);
    }

    public void Dispose()
    {
        _store.Dispose();
        _services.Dispose();
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        _directory.Dispose();
    }
}
