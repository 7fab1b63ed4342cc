using Unlearning.Silo.Storage;
using Unlearning.TestKit;
using Unlearning.Tests.Support;
using static Unlearning.Tests.Support.ModelHelpers;

namespace Unlearning.Tests.Storage;

/// <summary>
/// A prediction on a cold model (its grains deactivated, or the whole cluster restarted) reads the model's row and each
/// shard's row, never a record chunk: counted on the shards' storage provider. The forget afterwards does read chunks,
/// so the count sees them when they are read.
/// </summary>
public sealed class ColdPredictionTests
{
    private const int Shards = 4, Slices = 3;

    [Fact]
    public async Task A_prediction_after_a_restart_on_sqlite_reads_no_record_chunk()
    {
        using var directory = new TempDirectory("cold");
        var storage = new StorageOptions { Provider = StorageProvider.Sqlite, DataDirectory = directory.Path };
        var reads = new StorageReads();
        var (name, rows, before) = await BuildAsync(storage, reads);

        await using var restarted = await StartAsync(storage, reads);
        reads.Reset();
        var after = await restarted.Model(name).Predict(rows);

        Assert.Equal(0, reads.Of("records-"));
        Assert.Equal(Shards, reads.Of("shard"));
        Assert.Equal(before.Predictions.Select(p => Bits(p.Probabilities)), after.Predictions.Select(p => Bits(p.Probabilities)));
        await ForgetReadsChunksAsync(restarted, name, reads);
    }

    [Fact]
    public async Task A_prediction_after_idle_collection_reads_no_record_chunk()
    {
        var storage = new StorageOptions { Provider = StorageProvider.Memory };
        var reads = new StorageReads();
        await using var cluster = await StartAsync(storage, reads);
        var (name, rows, before) = await BuildAsync(cluster);

        // Every idle activation goes, the memory store's own grains aside (they keep the state).
        await cluster.Client.GetGrain<IManagementGrain>(0).ForceActivationCollection(TimeSpan.Zero);
        reads.Reset();
        var after = await cluster.Model(name).Predict(rows);

        Assert.Equal(0, reads.Of("records-"));
        Assert.Equal(Shards, reads.Of("shard"));
        Assert.Equal(before.Predictions.Select(p => Bits(p.Probabilities)), after.Predictions.Select(p => Bits(p.Probabilities)));
        await ForgetReadsChunksAsync(cluster, name, reads);
    }

    private static Task<StorageCluster> StartAsync(StorageOptions storage, StorageReads reads) =>
        StorageCluster.StartAsync(storage, configure: silo => CountingGrainStorage.Wrap(silo.Services, StorageNames.Shards, reads));

    private static async Task<(string Name, double[][] Rows, PredictionBatch Before)> BuildAsync(StorageOptions storage, StorageReads reads)
    {
        await using var cluster = await StartAsync(storage, reads);
        return await BuildAsync(cluster);
    }

    private static async Task<(string Name, double[][] Rows, PredictionBatch Before)> BuildAsync(StorageCluster cluster)
    {
        var data = Dataset.Wdbc();
        var (train, holdout) = data.Split();
        var name = ClusterFixture.UniqueName("cold");
        var model = cluster.Model(name);
        await model.Create(data.Config(name, Shards, Slices));
        foreach (var batch in train.Chunk(100)) await model.Ingest(batch);
        await model.Train();
        await model.Forget(train[3].Subject);
        var rows = Rows(holdout);
        return (name, rows, await model.Predict(rows));
    }

    /// <summary>A forget needs its shard's records: the count sees them read.</summary>
    private static async Task ForgetReadsChunksAsync(StorageCluster cluster, string name, StorageReads reads)
    {
        var train = Dataset.Wdbc().Split().Train;
        var receipt = await cluster.Model(name).Forget(train[5].Subject);
        Assert.Equal(1, receipt.RecordsRemoved);
        Assert.True(reads.Of("records-") > 0, "the forget read no chunk: the count does not see chunk reads");
    }
}
