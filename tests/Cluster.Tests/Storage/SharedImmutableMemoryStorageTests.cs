using Microsoft.Extensions.DependencyInjection;
using Orleans.Storage;
using Orleans.TestingHost;
using Unlearning.Catalog;
using Unlearning.Shard;
using Unlearning.Silo.Storage;
using Unlearning.Wire;

namespace Unlearning.Tests.Storage;

/// <summary>
/// The memory store keeps record chunks (immutable) as the objects themselves, shared with the shard that wrote them,
/// and every other state serialised, as Orleans' memory storage does; both with Orleans' ETag and clear semantics.
/// </summary>
public sealed class SharedImmutableMemoryStorageTests
{
    [Fact]
    public async Task A_record_chunk_and_a_subject_segment_come_back_as_the_very_objects_written_and_a_shard_state_as_a_copy_of_what_was_written()
    {
        await using var cluster = await StorageCluster.StartAsync(new StorageOptions { Provider = StorageProvider.Memory }, silos: 1);
        var storage = Storage(cluster);
        Assert.IsType<SharedImmutableMemoryStorage>(storage);
        var shard = GrainId.Create("test-shard", Guid.NewGuid().ToString("N"));

        await AsSiloService(async () =>
        {
            var chunk = new RecordChunk(["r1", "r2"], ["s1", "s2"], [1.0, 2.0, 3.0, 4.0], [0, 1]);
            await storage.WriteStateAsync("chunk-0", shard, new GrainState<RecordChunk>(chunk));
            var read = new GrainState<RecordChunk>();
            await storage.ReadStateAsync("chunk-0", shard, read);
            Assert.True(read.RecordExists);
            Assert.Same(chunk, read.State);

            // The subject index's segments hold an entry per subject: the store shares them with the index too.
            var segment = SubjectSegment.Of([(42UL, 0), (7UL, 1)]);
            await storage.WriteStateAsync("subjects-0", shard, new GrainState<SubjectSegment>(segment));
            var segmentRead = new GrainState<SubjectSegment>();
            await storage.ReadStateAsync("subjects-0", shard, segmentRead);
            Assert.Same(segment, segmentRead.State);

            var state = new ShardState { Records = 7 };
            var written = new GrainState<ShardState>(state);
            await storage.WriteStateAsync("state", shard, written);
            state.Records = 8; // not written: the store must not see it
            var stateRead = new GrainState<ShardState>();
            await storage.ReadStateAsync("state", shard, stateRead);
            Assert.NotSame(state, stateRead.State);
            Assert.Equal(7, stateRead.State!.Records);
        });
    }

    [Fact]
    public async Task A_stale_etag_is_refused_and_a_cleared_chunk_reads_as_absent()
    {
        await using var cluster = await StorageCluster.StartAsync(new StorageOptions { Provider = StorageProvider.Memory }, silos: 1);
        var storage = Storage(cluster);
        var shard = GrainId.Create("test-shard", Guid.NewGuid().ToString("N"));

        await AsSiloService(async () =>
        {
            var missing = new GrainState<RecordChunk>();
            await storage.ReadStateAsync("chunk-1", shard, missing);
            Assert.False(missing.RecordExists);
            Assert.Null(missing.ETag);

            var first = new GrainState<RecordChunk>(new RecordChunk(["r1"], ["s1"], [1.0], [0]));
            await storage.WriteStateAsync("chunk-1", shard, first);
            var stale = new GrainState<RecordChunk>(new RecordChunk(["r2"], ["s2"], [2.0], [1])) { ETag = null };
            await Assert.ThrowsAsync<InconsistentStateException>(() => storage.WriteStateAsync("chunk-1", shard, stale));
            var second = new GrainState<RecordChunk>(new RecordChunk(["r3"], ["s3"], [3.0], [0])) { ETag = first.ETag };
            await storage.WriteStateAsync("chunk-1", shard, second);
            Assert.NotEqual(first.ETag, second.ETag);
            await Assert.ThrowsAsync<InconsistentStateException>(() => storage.ClearStateAsync("chunk-1", shard, first));

            await storage.ClearStateAsync("chunk-1", shard, second);
            Assert.False(second.RecordExists);
            var cleared = new GrainState<RecordChunk>();
            await storage.ReadStateAsync("chunk-1", shard, cleared);
            Assert.False(cleared.RecordExists);
        });
    }

    private static IGrainStorage Storage(StorageCluster cluster) =>
        ((InProcessSiloHandle)cluster.Cluster.Silos[0]).ServiceProvider.GetRequiredKeyedService<IGrainStorage>(StorageNames.Shards);

    /// <summary>The provider calls its buckets as the shards do, as the cluster's own calls: here as a silo service's.</summary>
    private static async Task AsSiloService(Func<Task> work)
    {
        SiloServiceCall.Begin();
        await work();
    }
}
