namespace Unlearning.Wire;

/// <summary>The model grain's side of the shard protocol (same grain as <see cref="IModelGrain"/>): shards report here.</summary>
[Alias("Unlearning.IModelShardEvents")]
public interface IModelShardEvents : IGrainWithStringKey
{
    /// <summary>Called by the model's shards whenever the weights they serve change.</summary>
    [Alias("OnShardChanged")] Task OnShardChanged(ShardSnapshot snapshot);

    /// <summary>What became of an ingest a shard staged batches for (asked when the shard activates with some).</summary>
    [Alias("IngestOutcome")] Task<IngestOutcome> IngestOutcome(string ingestId);
}
