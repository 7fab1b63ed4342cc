using Unlearning.TestKit;
using Unlearning.Tests.Support;

namespace Unlearning.Tests.Storage;

/// <summary>
/// A store that fails under a call reaches the caller as a named error (not a serializer's complaint about a type it cannot
/// carry), and the cluster carries on once the store is back.
/// </summary>
public sealed class StoreFailureTests
{
    [Fact]
    public async Task A_failing_store_reaches_the_caller_by_name_and_the_model_works_once_it_is_back()
    {
        await using var database = await TestPostgres.CreateDatabaseAsync("storefail");
        if (database is null) return; // no PostgreSQL outside CI; under CI=true this fails instead
        var storage = database.Storage(TestDatabase.OwnScrubOnly);
        await using var cluster = await StorageCluster.StartAsync(storage, silos: 1);
        var data = Dataset.Wdbc();
        var (train, holdout) = data.Split();
        var name = ClusterFixture.UniqueName("storefail");
        var model = cluster.Model(name);
        await model.Create(data.Config(name, 2, 2));

        // The grains' table goes away under a running model: its next write fails in PostgreSQL.
        await database.ExecuteAsync("ALTER TABLE grain_state RENAME TO grain_state_away");
        var failed = await Assert.ThrowsAsync<StoreFailedException>(() => model.Ingest(train[..50]));
        Assert.StartsWith($"{StoreFailedException.Prefix}PostgreSQL 42P01: ", failed.Message);
        Assert.Contains("grain_state", failed.Message);

        await database.ExecuteAsync("ALTER TABLE grain_state_away RENAME TO grain_state");
        await model.Ingest(train);
        await model.Train();
        var status = await model.GetStatus();
        Assert.Equal(train.Length, status.Records);
        Assert.Equal(holdout.Length, (await model.Predict(ModelHelpers.Rows(holdout))).Predictions.Length);
    }
}
