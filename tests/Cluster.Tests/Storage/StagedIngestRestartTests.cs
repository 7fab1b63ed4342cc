using Unlearning.Silo.Storage;
using Unlearning.TestKit;
using Unlearning.Tests.Support;

namespace Unlearning.Tests.Storage;

/// <summary>
/// A model and its shards holding an undecided staged ingest reactivate together (after a restart, or a silo that
/// hosted all of them died): each shard asks the model what became of the ingest while the model is loading its
/// shards, and neither may wait for the other.
/// </summary>
public sealed class StagedIngestRestartTests
{
    private const int Shards = 3, Slices = 2;

    [Fact]
    public async Task A_model_and_its_shards_holding_a_staged_ingest_come_back_together_and_the_ingest_still_commits()
    {
        using var directory = new TempDirectory("staged-restart");
        var storage = new StorageOptions { Provider = StorageProvider.Sqlite, DataDirectory = directory.Path };
        var data = Dataset.Wdbc();
        var (train, _) = data.Split();
        var name = ClusterFixture.UniqueName("staged-restart");
        await using (var first = await StorageCluster.StartAsync(storage, silos: 1))
        {
            var model = first.Model(name);
            await model.Create(data.Config(name, Shards, Slices));
            await model.Ingest(train[..300]);
            await model.Train();
            var staged = await model.StageIngest("pending-ingest", train[300..]);
            Assert.Equal(train.Length - 300, staged.Accepted);
        }

        await using var second = await StorageCluster.StartAsync(storage, silos: 1);
        var restarted = second.Model(name);
        // Every shard holds staged records, so each asks the model about them as it activates for the model's load.
        var status = await restarted.GetStatus().WaitAsync(TimeSpan.FromSeconds(20));
        Assert.Equal(300, status.Records);

        var committed = await restarted.CommitIngest("pending-ingest").WaitAsync(TimeSpan.FromSeconds(20));
        Assert.Equal(train.Length - 300, committed.Accepted);
        Assert.Equal(train.Length, (await restarted.GetStatus()).Records);
    }
}
