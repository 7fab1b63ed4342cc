using Microsoft.Extensions.Logging;
using Unlearning.Wire;

namespace Unlearning.Catalog;

/// <summary>What the catalog persists: each model listed, with how it was created.</summary>
[GenerateSerializer, Alias("Unlearning.ModelCatalogState")]
public sealed class ModelCatalogState
{
    [Id(0)] public Dictionary<string, CatalogEntry> Models { get; set; } = new(StringComparer.Ordinal);
}

[GenerateSerializer, Immutable, Alias("Unlearning.CatalogEntry")]
public sealed record CatalogEntry(
    [property: Id(0)] UnlearningMethod Method,
    [property: Id(1)] int Shards,
    [property: Id(2)] DateTimeOffset Created);

/// <summary>
/// The list of models (<see cref="IModelCatalog"/>): models list themselves when created (and when they activate, for
/// those created before the catalog) and leave when deleted. Records and version are asked of each model when listed.
/// </summary>
public sealed class ModelCatalogGrain(
    [PersistentState("catalog", StorageNames.Models)] IPersistentState<ModelCatalogState> state,
    TimeProvider time,
    ILogger<ModelCatalogGrain> logger) : Grain, IModelCatalog, IModelCatalogEvents
{
    /// <summary>How long the list waits for a model's own numbers before leaving them out.</summary>
    private static readonly TimeSpan ModelAnswer = TimeSpan.FromSeconds(10);

    public async Task Registered(string model, UnlearningMethod method, int shards)
    {
        if (state.State.Models.TryGetValue(model, out var known) && known.Method == method && known.Shards == shards) return;
        state.State.Models[model] = new CatalogEntry(method, shards, known?.Created ?? time.GetUtcNow());
        await state.WriteStateAsync();
    }

    public async Task Deleted(string model)
    {
        if (state.State.Models.Remove(model)) await state.WriteStateAsync();
    }

    public async Task<ModelSummary[]> List()
    {
        var entries = state.State.Models.OrderBy(m => m.Key, StringComparer.Ordinal).ToArray();
        return await Task.WhenAll(entries.Select(async entry =>
        {
            var (name, known) = (entry.Key, entry.Value);
            try
            {
                var status = await GrainFactory.GetGrain<IModelGrain>(name).GetStatus().WaitAsync(ModelAnswer);
                return new ModelSummary(name, known.Method, known.Shards, status.Records, status.Version, known.Created);
            }
            catch (Exception error)
            {
                logger.LogWarning("Catalog: model {Model} did not report its numbers ({Error})", name, error.GetType().Name);
                return new ModelSummary(name, known.Method, known.Shards, null, null, known.Created);
            }
        }));
    }
}
