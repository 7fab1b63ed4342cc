using Microsoft.Extensions.Options;

namespace Unlearning.Silo;

/// <summary>
/// Wakes every open forget request shortly after the silo starts and then every <see cref="ComplianceOptions.ResumeInterval"/>,
/// so a request whose silo died completes on the silos left (or on this one after a restart) without the caller's retry.
/// Every silo runs it; waking a request that is already running changes nothing.
/// </summary>
public sealed class ForgetRequestRecovery(IGrainFactory grains, IOptions<ComplianceOptions> options, ILogger<ForgetRequestRecovery> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        Wire.SiloServiceCall.Begin();
        var interval = options.Value.ResumeInterval;
        // Soon after start: a silo that restarts after a failure carries on the requests it held within seconds.
        var wait = TimeSpan.FromSeconds(Math.Min(2, interval.TotalSeconds));
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await Task.Delay(wait, stoppingToken);
                await grains.GetGrain<Wire.IForgetRequestRegistry>(IForgetRequests.Key).ResumeAll().WaitAsync(stoppingToken);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception error)
            {
                // The silo may not be serving yet, or the registry's silo just died: the next round tries again.
                logger.LogDebug("Waking forget requests failed ({Error})", error.GetType().Name);
            }
            wait = interval;
        }
    }
}
