using Microsoft.Extensions.Options;
using Orleans.Configuration;
using Unlearning.Model;
using Unlearning.Shard;

namespace Unlearning.Silo;

/// <summary>
/// Idle collection ages of the project's grains, from <see cref="UnlearningOptions.ShardCollectionAge"/> and
/// <see cref="UnlearningOptions.ModelCollectionAge"/>: shards (which hold records once something read them) go sooner
/// than models (which hold weights). Orleans checks ages every collection quantum (1 minute): shorter ages shorten it.
/// </summary>
internal sealed class GrainCollection(IOptions<UnlearningOptions> unlearning) : IConfigureOptions<GrainCollectionOptions>
{
    public void Configure(GrainCollectionOptions options)
    {
        var ages = unlearning.Value;
        if (ages.ShardCollectionAge <= TimeSpan.Zero || ages.ModelCollectionAge <= TimeSpan.Zero)
            throw new InvalidOperationException("Unlearning:ShardCollectionAge and Unlearning:ModelCollectionAge must be positive");
        options.ClassSpecificCollectionAge[typeof(ShardGrain).FullName!] = ages.ShardCollectionAge;
        options.ClassSpecificCollectionAge[typeof(ModelGrain).FullName!] = ages.ModelCollectionAge;
        var shortest = TimeSpan.FromTicks(Math.Min(ages.ShardCollectionAge.Ticks, ages.ModelCollectionAge.Ticks));
        if (options.CollectionQuantum >= shortest) options.CollectionQuantum = shortest / 2;
    }
}
