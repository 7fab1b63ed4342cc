using Microsoft.Extensions.Logging;

namespace Unlearning.Serving;

/// <summary>Sends an invalidation of a model's replicas to the replica host of every silo that may serve one.</summary>
public sealed partial class ReplicaHosts(IClusterMembershipService membership, IGrainFactory grains, ReplicaCache replicas, TimeProvider time,
    ILogger<ReplicaHosts> logger)
{
    public static string KeyOf(SiloAddress silo) => silo.ToParsableString();

    /// <summary>
    /// Returns once every silo dropped its replicas of <paramref name="model"/> older than <paramref name="generation"/> of
    /// <paramref name="epoch"/>. A silo that does not confirm within a lease is waited out: a lease after this call
    /// began, whatever it fetched before has expired. Never throws.
    /// </summary>
    public async Task InvalidateAsync(string model, Guid epoch, long generation)
    {
        var began = time.GetTimestamp();
        var lease = replicas.Lease;
        var silos = membership.CurrentSnapshot.Members.Values
            .Where(member => member.Status is SiloStatus.Active or SiloStatus.ShuttingDown or SiloStatus.Stopping)
            .Select(member => member.SiloAddress)
            .ToArray();
        var calls = silos.Select(silo => Bounded(grains.GetGrain<Wire.IReplicaHost>(KeyOf(silo)).Invalidate(model, epoch, generation), lease)).ToArray();
        try
        {
            await Task.WhenAll(calls);
        }
        catch (Exception)
        {
            var unconfirmed = silos.Where((_, i) => !calls[i].IsCompletedSuccessfully).ToArray();
            LogUnconfirmed(logger, model, string.Join(", ", unconfirmed.Select(KeyOf)), lease.TotalSeconds);
            var left = lease - time.GetElapsedTime(began);
            if (left > TimeSpan.Zero) await Task.Delay(left, time);
        }
    }

    /// <summary>The call, given up on after <paramref name="limit"/>; its own failure, later, is observed and dropped.</summary>
    private Task Bounded(Task call, TimeSpan limit)
    {
        _ = call.ContinueWith(static failed => _ = failed.Exception, CancellationToken.None,
            TaskContinuationOptions.OnlyOnFaulted | TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
        return call.WaitAsync(limit, time);
    }

    [LoggerMessage(Level = LogLevel.Warning,
        Message = "Model {Model}: silos {Silos} did not confirm that they dropped its read replicas; waiting out their {Lease} s lease")]
    private static partial void LogUnconfirmed(ILogger logger, string model, string silos, double lease);
}
