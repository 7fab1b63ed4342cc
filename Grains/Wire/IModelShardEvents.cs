namespace Unlearning.Wire;

/// <summary>The model grain's side of the shard protocol (same grain as <see cref="IModelGrain"/>): shards report here.</summary>
[Alias("Unlearning.IModelShardEvents")]
public interface IModelShardEvents : IGrainWithStringKey
{
    /// <summary>Called by the model's shards whenever the weights they serve change.</summary>
    [Alias("OnShardChanged")] Task OnShardChanged(ShardSnapshot snapshot);
}
