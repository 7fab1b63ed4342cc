using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace Unlearning.Silo.Management;

/// <summary>Ready when this silo is an active member of its cluster (not joining, not leaving, not declared dead).</summary>
internal sealed class ClusterMembershipHealthCheck(ILocalSiloDetails silo, IClusterMembershipService membership) : IHealthCheck
{
    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        var status = membership.CurrentSnapshot.GetSiloStatus(silo.SiloAddress);
        return Task.FromResult(status == SiloStatus.Active
            ? HealthCheckResult.Healthy("active in the cluster")
            : HealthCheckResult.Unhealthy($"silo is {status.ToString().ToLowerInvariant()}, not active in the cluster"));
    }
}
