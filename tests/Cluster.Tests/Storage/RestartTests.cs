using Unlearning.Silo.Storage;
using Unlearning.TestKit;
using Unlearning.Tests.Support;
using Xunit.Abstractions;
using static Unlearning.Tests.Support.ModelHelpers;

namespace Unlearning.Tests.Storage;

/// <summary>A whole cluster stopped and started again on the same store serves the same model.</summary>
public sealed class RestartTests(ITestOutputHelper output)
{
    private const int Shards = 4, Slices = 3;

    [Fact]
    public async Task A_model_survives_a_cluster_restart_on_sqlite()
    {
        using var directory = new TempDirectory("restart");
        await RestartAsync(new StorageOptions { Provider = StorageProvider.Sqlite, DataDirectory = directory.Path });
        Assert.True(File.Exists(Path.Combine(directory.Path, StorageOptions.SqliteFileName)));
    }

    [Fact]
    public async Task A_model_survives_a_cluster_restart_on_postgres()
    {
        await using var database = await TestPostgres.CreateDatabaseAsync("restart");
        if (database is null) return; // no PostgreSQL outside CI; under CI=true this fails instead
        await RestartAsync(database.Storage());
    }

    private async Task RestartAsync(StorageOptions storage)
    {
        var data = Dataset.Wdbc();
        var (train, holdout) = data.Split();
        var rows = Rows(holdout);
        var name = ClusterFixture.UniqueName("restart");
        ModelStatus statusBefore;
        PredictionBatch predictionsBefore;
        await using (var first = await StorageCluster.StartAsync(storage))
        {
            var model = first.Model(name);
            await model.Create(data.Config(name, Shards, Slices));
            foreach (var batch in train.Chunk(100)) await model.Ingest(batch);
            await model.Train();
            await model.Forget(train[7].Subject);
            statusBefore = await model.GetStatus();
            predictionsBefore = await model.Predict(rows);
        }

        await using var second = await StorageCluster.StartAsync(storage);
        var restarted = second.Model(name);
        var statusAfter = await restarted.GetStatus();
        var predictionsAfter = await restarted.Predict(rows);

        output.WriteLine($"{storage.Describe()}: {statusAfter.Records} records, version {statusAfter.Version}");
        Assert.Equal(Comparable(statusBefore), Comparable(statusAfter));
        Assert.Equal(predictionsBefore.Version, predictionsAfter.Version);
        Assert.Equal(predictionsBefore.Predictions.Select(p => p.Label), predictionsAfter.Predictions.Select(p => p.Label));
        Assert.Equal(predictionsBefore.Predictions.Select(p => Bits(p.Probabilities)), predictionsAfter.Predictions.Select(p => Bits(p.Probabilities)));
        var config = await restarted.GetConfig();
        Assert.Equal(data.FeatureNames, config.FeatureNames);
        Assert.Equal(data.Labels, config.Labels);
        Assert.Equal((Shards, Slices), (config.Shards, config.Slices));

        // Nothing retrained on the way up, and the restarted model keeps working: a forget still retrains exactly.
        Assert.All(statusAfter.Shards, s => Assert.Equal(ShardServingState.Serving, s.State));
        var receipt = await restarted.Forget(train[8].Subject);
        Assert.Equal(1, receipt.RecordsRemoved);
        Assert.Equal(statusBefore.Records - 1, (await restarted.GetStatus()).Records);
    }

    /// <summary>The status without the silos that host the shards, which a restart may change.</summary>
    private static string Comparable(ModelStatus status) =>
        $"{status.Model} {status.Records} {status.Trained} {status.Version} | " + string.Join(" | ", status.Shards.Select(s =>
            $"{s.Index} {s.Records} {s.Version} {s.State} {string.Join(",", s.SliceTrainings)} {s.ForgetsAccepted}"));
}
