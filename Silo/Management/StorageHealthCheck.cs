using Microsoft.Extensions.Diagnostics.HealthChecks;
using Orleans.Storage;
using Unlearning.Logging;

namespace Unlearning.Silo.Management;

/// <summary>
/// Ready when the models' grain storage answers a read: the same provider and connection the grains use (PostgreSQL,
/// SQLite or memory), asked for a state no grain has, so the check reads no model and writes nothing.
/// </summary>
internal sealed class StorageHealthCheck([FromKeyedServices(StorageNames.Models)] IGrainStorage storage) : IHealthCheck
{
    private static readonly GrainId Probe = GrainId.Create("unlearning-health", "storage-probe");

    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        try
        {
            await storage.ReadStateAsync("probe", Probe, new GrainState<StorageProbe>()).WaitAsync(cancellationToken);
            return HealthCheckResult.Healthy("storage answers");
        }
        catch (Exception error) when (error is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            // The type and a scrubbed description: a provider's message may carry a connection string.
            return HealthCheckResult.Unhealthy($"storage does not answer ({ErrorDescription.Of(error)})");
        }
    }
}

/// <summary>The state type of the probe read: never written, so never stored.</summary>
internal sealed class StorageProbe;
