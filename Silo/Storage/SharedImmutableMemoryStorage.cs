using Microsoft.Extensions.Options;
using Orleans.Configuration;
using Orleans.Serialization.Serializers;
using Orleans.Storage;
using Unlearning.Learning;
using Unlearning.Wire;

namespace Unlearning.Silo.Storage;

/// <summary>
/// The memory store (tests, benchmarks, a first try): Orleans' <see cref="MemoryGrainStorage"/>, which keeps each state
/// serialised in a storage grain, except for states of a type marked <c>[Immutable]</c> (a shard's record chunks, nearly
/// all of a model's bytes), which go to an <see cref="IObjectStore"/> bucket as the objects they are. A grain call copies
/// its arguments unless they are immutable, so where the bucket and the shard share a silo they share each chunk, instead
/// of the shard holding the chunk and the store a serialised copy of it; across silos the call serialises it, as before.
/// Mutable states keep Orleans' path, so a grain's changes reach the store only when it writes them.
/// </summary>
public sealed class SharedImmutableMemoryStorage(string name, IGrainStorage serialised, IGrainFactory grains, IActivatorProvider activators, int buckets)
    : IGrainStorage
{
    private const ulong BucketSeed = 0x6F626A2D73746F72; // "obj-stor"

    public static SharedImmutableMemoryStorage Create(IServiceProvider services, string name) =>
        new(name, MemoryGrainStorageFactory.Create(services, name), services.GetRequiredService<IGrainFactory>(),
            services.GetRequiredService<IActivatorProvider>(),
            Math.Max(1, services.GetRequiredService<IOptionsMonitor<MemoryGrainStorageOptions>>().Get(name).NumStorageGrains));

    public async Task ReadStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState)
    {
        if (!IsShared<T>())
        {
            await serialised.ReadStateAsync(stateName, grainId, grainState);
            return;
        }
        var key = Key(stateName, grainId);
        if (await Bucket(key).Read(key) is not { } stored)
        {
            Blank(grainState);
            return;
        }
        grainState.State = (T)stored.State;
        grainState.ETag = stored.ETag;
        grainState.RecordExists = true;
    }

    public async Task WriteStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState)
    {
        if (!IsShared<T>())
        {
            await serialised.WriteStateAsync(stateName, grainId, grainState);
            return;
        }
        var key = Key(stateName, grainId);
        grainState.ETag = await Bucket(key).Write(key, grainState.State!, grainState.ETag) ?? throw Conflict("write", key, grainState.ETag);
        grainState.RecordExists = true;
    }

    public async Task ClearStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState)
    {
        if (!IsShared<T>())
        {
            await serialised.ClearStateAsync(stateName, grainId, grainState);
            return;
        }
        var key = Key(stateName, grainId);
        if (!await Bucket(key).Clear(key, grainState.ETag)) throw Conflict("clear", key, grainState.ETag);
        Blank(grainState);
    }

    /// <summary>What a state reads as when nothing is stored: a new instance, no ETag, no record (as Orleans' providers do).</summary>
    private void Blank<T>(IGrainState<T> grainState)
    {
        grainState.State = activators.GetActivator<T>().Create();
        grainState.ETag = null;
        grainState.RecordExists = false;
    }

    private static InconsistentStateException Conflict(string operation, string key, string? etag) =>
        new($"ETag conflict ({operation}) in the memory store: {key} is no longer at {etag ?? "(none)"}");

    private static bool IsShared<T>() => ImmutableType<T>.Is;

    private string Key(string stateName, GrainId grainId) => $"{name}/{stateName}/{grainId}";

    private IObjectStore Bucket(string key) => grains.GetGrain<IObjectStore>((long)(StableKeyHash.Of(key, BucketSeed) % (ulong)buckets));

    private static class ImmutableType<T>
    {
        public static readonly bool Is = typeof(T).IsDefined(typeof(ImmutableAttribute), inherit: false);
    }
}
