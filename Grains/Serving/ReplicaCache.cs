using System.Collections.Concurrent;
using Microsoft.Extensions.Options;

namespace Unlearning.Serving;

/// <summary>
/// The read replicas this silo holds, one per model predicted on here (see <see cref="ModelReplica"/>). A singleton
/// of the silo: its reader activations serve from it, its replica host invalidates it.
/// </summary>
public sealed class ReplicaCache(TimeProvider time, IOptions<UnlearningOptions> options)
{
    private readonly ConcurrentDictionary<string, ModelReplica> _models = new(StringComparer.Ordinal);
    private long _nextSweep;

    /// <summary>How long a fetched ensemble may be served without asking the model again.</summary>
    public TimeSpan Lease => options.Value.ReplicaLease;

    internal ModelReplica For(string model) => _models.GetOrAdd(model, static (_, cache) => cache.NewReplica(), this);

    private ModelReplica NewReplica() => new(time, Lease);

    /// <summary>See <see cref="ModelReplica.InvalidateAsync"/>; nothing to do for a model never predicted on here.</summary>
    public Task InvalidateAsync(string model, Guid epoch, long generation) =>
        _models.TryGetValue(model, out var replica) ? replica.InvalidateAsync(epoch, generation) : Task.CompletedTask;

    /// <summary>Whether this silo serves a replica of <paramref name="model"/> now.</summary>
    internal bool Serves(string model) => _models.TryGetValue(model, out var replica) && replica.Serving;

    /// <summary>Drops the replicas whose lease ran out, at most once a lease.</summary>
    internal void SweepNowAndThen()
    {
        var now = time.GetTimestamp();
        var next = Interlocked.Read(ref _nextSweep);
        if (now < next || Interlocked.CompareExchange(ref _nextSweep, now + (long)(Lease.TotalSeconds * time.TimestampFrequency), next) != next) return;
        foreach (var replica in _models.Values) replica.DropIfExpired();
    }
}
