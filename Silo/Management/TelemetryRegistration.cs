using Microsoft.Extensions.DependencyInjection.Extensions;
using Unlearning.Telemetry;

namespace Unlearning.Silo.Management;

/// <summary>The grains' instruments and Orleans' trace context on every silo, whether or not anything exports them.</summary>
public static class TelemetryRegistration
{
    public static ISiloBuilder AddUnlearningTelemetry(this ISiloBuilder silo)
    {
        silo.Services.AddMetrics();
        silo.Services.TryAddSingleton<ShardReadings>();
        silo.Services.TryAddSingleton<UnlearningMetrics>();
        // A client's span and the grains' spans of one call become one trace across processes.
        silo.AddActivityPropagation();
        return silo;
    }
}
