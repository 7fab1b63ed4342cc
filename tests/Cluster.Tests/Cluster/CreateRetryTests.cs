using Unlearning.TestKit;
using Unlearning.Tests.Support;

namespace Unlearning.Tests.Cluster;

/// <summary>
/// A create that fails after the model's first write (its listing in the catalog out of reach) leaves a model that the
/// same create, sent again, finishes; a create with another configuration, or after the create completed, is refused.
/// </summary>
[Collection(ClusterCollection.Name)]
public sealed class CreateRetryTests(ClusterFixture cluster)
{
    [Fact]
    public async Task A_create_cut_short_is_finished_by_the_same_create_and_by_no_other()
    {
        var data = Dataset.Wdbc();
        var name = ClusterFixture.UniqueName("retry");
        var model = cluster.Model(name);
        var config = data.Config(name, 2, 2);

        InjectedFaults.FailUntil(IModelCatalog.Key, "Registered", DateTime.MaxValue);
        try
        {
            await Assert.ThrowsAsync<TimeoutException>(() => model.Create(config));
        }
        finally
        {
            InjectedFaults.Clear(IModelCatalog.Key, "Registered");
        }
        Assert.DoesNotContain(name, (await Catalog.List()).Select(m => m.Model));

        var other = await Assert.ThrowsAsync<InvalidOperationException>(() => model.Create(config with { Shards = 3 }));
        Assert.Contains("already exists", other.Message);

        Assert.Equal(2, (await model.Create(config)).Shards);
        Assert.Contains(name, (await Catalog.List()).Select(m => m.Model));
        var again = await Assert.ThrowsAsync<InvalidOperationException>(() => model.Create(config));
        Assert.Contains("already exists", again.Message);

        await model.Ingest(data.Split().Train);
        await model.Train();
        Assert.Equal(2, (await model.GetStatus()).ShardsUsed);
    }

    private IModelCatalog Catalog => cluster.Client.GetGrain<IModelCatalog>(IModelCatalog.Key);
}
