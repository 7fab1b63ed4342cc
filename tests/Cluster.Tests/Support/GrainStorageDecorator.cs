using Microsoft.Extensions.DependencyInjection;
using Orleans.Storage;

namespace Unlearning.Tests.Support;

/// <summary>Test-only: puts a wrapper around a silo's grain storage provider (counting reads, failing writes...).</summary>
public static class GrainStorageDecorator
{
    /// <summary>Replaces the provider registered as <paramref name="name"/> with <paramref name="wrap"/>(the provider).</summary>
    public static void Replace(IServiceCollection services, string name, Func<IGrainStorage, IGrainStorage> wrap)
    {
        var original = services.Last(d => d.IsKeyedService && Equals(d.ServiceKey, name) && d.ServiceType == typeof(IGrainStorage));
        var factory = original.KeyedImplementationFactory
            ?? throw new InvalidOperationException($"grain storage '{name}' is not registered by a factory");
        services.Remove(original);
        services.AddKeyedSingleton<IGrainStorage>(name, (provider, key) => wrap((IGrainStorage)factory(provider, key)));
    }
}
