using Unlearning.Tests.Support;
using Unlearning.Wire;

namespace Unlearning.Tests.Security;

/// <summary>
/// What IIncomingGrainCallContext.SourceId says: a client's id for a client's call, the calling grain's for a grain's.
/// The filter does not rely on it (a client writes its own sender into its messages and Orleans' gateway passes it on),
/// but on the internal-call mark; this pins what Orleans reports.
/// </summary>
[Collection(ClusterCollection.Name)]
public sealed class CallSourceTests(ClusterFixture cluster)
{
    [Fact]
    public async Task A_client_call_has_the_client_as_source_and_the_model_grain_is_the_source_of_its_shard_calls()
    {
        var name = ClusterFixture.UniqueName("source");
        var model = cluster.Model(name);
        await model.Create(Unlearning.TestKit.Dataset.Wdbc().Config(name, 2, 1));
        await model.GetStatus();

        var clientSource = CallSources.Of(model.GetGrainId(), nameof(IModelGrain.GetStatus));
        Assert.NotNull(clientSource);
        Assert.True(clientSource.Value.IsClient(), $"{clientSource}");

        var shard = cluster.Client.GetGrain<IShardGrain>(ShardKey.For(name, 0)).GetGrainId();
        var grainSource = CallSources.Of(shard, nameof(IShardGrain.GetStatus));
        Assert.Equal(model.GetGrainId(), grainSource);
    }
}
