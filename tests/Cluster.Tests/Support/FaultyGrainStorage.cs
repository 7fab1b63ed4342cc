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
        faults.ThrowIfFailing(StorageOperation.Write, stateName);
        return inner.WriteStateAsync(stateName, grainId, grainState);
    }

    public Task ClearStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState)
    {
        faults.ThrowIfFailing(StorageOperation.Clear, stateName);
        return inner.ClearStateAsync(stateName, grainId, grainState);
    }

    public void Participate(ISiloLifecycle lifecycle)
    {
        if (inner is ILifecycleParticipant<ISiloLifecycle> participant) participant.Participate(lifecycle);
    }
}

public enum StorageOperation { Write, Clear }

/// <summary>Which writes and clears <see cref="FaultyGrainStorage"/> fails now.</summary>
public sealed class StorageFaults
{
    private volatile Func<StorageOperation, string, bool>? _failing;

    /// <summary>Fails writes and clears of state names starting with <paramref name="prefix"/> until <see cref="Heal"/>.</summary>
    public void FailWrites(string prefix) => _failing = (_, stateName) => stateName.StartsWith(prefix, StringComparison.Ordinal);

    /// <summary>Fails the operations <paramref name="failing"/> picks (by operation and state name) until <see cref="Heal"/>.</summary>
    public void FailWhen(Func<StorageOperation, string, bool> failing) => _failing = failing;

    public void Heal() => _failing = null;

    public void ThrowIfFailing(StorageOperation operation, string stateName)
    {
        if (_failing is { } failing && failing(operation, stateName))
            throw new IOException($"injected: the {operation.ToString().ToLowerInvariant()} of {stateName} failed");
    }
}
