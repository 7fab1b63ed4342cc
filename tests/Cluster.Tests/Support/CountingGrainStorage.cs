using System.Collections.Concurrent;
using Microsoft.Extensions.DependencyInjection;
using Orleans.Storage;

namespace Unlearning.Tests.Support;

/// <summary>
/// Test-only: wraps a silo's grain storage provider and counts its reads by state name ("shard", "records-17", ...), so a
/// test sees what an operation read. Shares one tally between the silos of a cluster.
/// </summary>
public sealed class CountingGrainStorage(IGrainStorage inner, StorageReads reads) : IGrainStorage, ILifecycleParticipant<ISiloLifecycle>
{
    /// <summary>Replaces the provider registered as <paramref name="name"/> with a counting wrapper around it.</summary>
    public static void Wrap(IServiceCollection services, string name, StorageReads reads) =>
        GrainStorageDecorator.Replace(services, name, inner => new CountingGrainStorage(inner, reads));

    public Task ReadStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState)
    {
        reads.Count(stateName);
        return inner.ReadStateAsync(stateName, grainId, grainState);
    }

    public Task WriteStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState) => inner.WriteStateAsync(stateName, grainId, grainState);

    public Task ClearStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState) => inner.ClearStateAsync(stateName, grainId, grainState);

    public void Participate(ISiloLifecycle lifecycle)
    {
        if (inner is ILifecycleParticipant<ISiloLifecycle> participant) participant.Participate(lifecycle);
    }
}

/// <summary>Reads counted by <see cref="CountingGrainStorage"/>.</summary>
public sealed class StorageReads
{
    private readonly ConcurrentDictionary<string, int> _reads = new(StringComparer.Ordinal);

    public void Count(string stateName) => _reads.AddOrUpdate(stateName, 1, (_, count) => count + 1);

    /// <summary>Reads of state names starting with <paramref name="prefix"/>.</summary>
    public int Of(string prefix) => _reads.Where(r => r.Key.StartsWith(prefix, StringComparison.Ordinal)).Sum(r => r.Value);

    public void Reset() => _reads.Clear();
}
