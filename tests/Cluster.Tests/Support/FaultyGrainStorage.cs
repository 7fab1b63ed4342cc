using Microsoft.Extensions.DependencyInjection;
using Orleans.Storage;

namespace Unlearning.Tests.Support;

/// <summary>
/// Test-only: wraps a silo's grain storage provider so that, while armed, writes of state names starting with a prefix
/// ("records-": a shard's chunks) fail, as if the silo stopped right before them.
/// </summary>
public sealed class FaultyGrainStorage(IGrainStorage inner, StorageFaults faults) : IGrainStorage, ILifecycleParticipant<ISiloLifecycle>
{
    /// <summary>Replaces the provider registered as <paramref name="name"/> with a faulty wrapper around it.</summary>
    public static void Wrap(IServiceCollection services, string name, StorageFaults faults) =>
        GrainStorageDecorator.Replace(services, name, inner => new FaultyGrainStorage(inner, faults));

    public Task ReadStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState) => inner.ReadStateAsync(stateName, grainId, grainState);

    public Task WriteStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState)
    {
        faults.ThrowIfFailing(stateName);
        return inner.WriteStateAsync(stateName, grainId, grainState);
    }

    public Task ClearStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState)
    {
        faults.ThrowIfFailing(stateName);
        return inner.ClearStateAsync(stateName, grainId, grainState);
    }

    public void Participate(ISiloLifecycle lifecycle)
    {
        if (inner is ILifecycleParticipant<ISiloLifecycle> participant) participant.Participate(lifecycle);
    }
}

/// <summary>Which writes <see cref="FaultyGrainStorage"/> fails now.</summary>
public sealed class StorageFaults
{
    private volatile string? _failing;

    /// <summary>Fails writes of state names starting with <paramref name="prefix"/> until <see cref="Heal"/>.</summary>
    public void FailWrites(string prefix) => _failing = prefix;

    public void Heal() => _failing = null;

    public void ThrowIfFailing(string stateName)
    {
        if (_failing is { } prefix && stateName.StartsWith(prefix, StringComparison.Ordinal))
            throw new IOException($"injected: the write of {stateName} failed");
    }
}
