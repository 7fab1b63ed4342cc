using Unlearning.Wire;

namespace Unlearning.Serving;

/// <summary>
/// One model's replica on one silo: the <see cref="Replica"/> served now (if any), the one fetch in flight, and the last
/// invalidation the model sent. Shared by the silo's reader activations and its replica host, which run on any thread.
/// <para>
/// Why a replica never serves weights a forget removed: the model grain, in the turn it takes a shard out of its
/// ensemble for a forget, bumps its invalidation generation, and accepts the forget only after every silo's replica
/// host confirmed <see cref="InvalidateAsync"/> (or, for a silo it could not reach, after a lease has passed since the
/// bump, by which time any set that silo fetched before it has expired). <see cref="InvalidateAsync"/> drops an older
/// replica and waits for the predictions running on it; a fetch sent before an invalidation arrived is kept only if its
/// answer is of the same model activation and at least that generation, else the caller asks the model grain itself.
/// </para>
/// </summary>
internal sealed class ModelReplica(TimeProvider time, TimeSpan lease)
{
    private readonly Lock _gate = new();
    private Replica? _served;
    private Task<Replica?>? _fetching;
    // How many invalidations arrived, and the last one's model activation and generation.
    private long _invalidations;
    private Guid _invalidEpoch;
    private long _invalidGeneration;

    /// <summary>The replica to predict with, counted in (call <see cref="Replica.Exit"/>); null when there is none valid now.</summary>
    public Replica? Enter()
    {
        while (true)
        {
            var served = Unexpired();
            if (served is null) return null;
            served.Enter();
            // Still served after being counted in: an invalidation that swapped it out since will wait for this prediction.
            if (ReferenceEquals(Volatile.Read(ref _served), served)) return served;
            served.Exit();
        }
    }

    /// <summary>
    /// Fetches the ensemble (one fetch at a time: concurrent callers share it) and serves it; null when an invalidation
    /// arrived meanwhile that the answer may predate (the caller then asks the model grain itself).
    /// </summary>
    public Task<Replica?> FetchAsync(Func<Task<ServingSet>> fetch)
    {
        TaskCompletionSource<Replica?> mine;
        lock (_gate)
        {
            if (_fetching is { } running) return running;
            mine = new TaskCompletionSource<Replica?>(TaskCreationOptions.RunContinuationsAsynchronously);
            _fetching = mine.Task;
        }
        _ = RunFetchAsync(fetch, mine);
        return mine.Task;
    }

    private async Task RunFetchAsync(Func<Task<ServingSet>> fetch, TaskCompletionSource<Replica?> mine)
    {
        var started = time.GetTimestamp();
        long invalidationsBefore;
        lock (_gate) invalidationsBefore = _invalidations;
        try
        {
            var set = await fetch();
            Replica? served = null;
            lock (_gate)
            {
                if (ReferenceEquals(_fetching, mine.Task)) _fetching = null;
                var fresh = _invalidations == invalidationsBefore || (set.Epoch == _invalidEpoch && set.Generation >= _invalidGeneration);
                if (fresh)
                {
                    served = new Replica(set, started + (long)(lease.TotalSeconds * time.TimestampFrequency));
                    Interlocked.Exchange(ref _served, served);
                }
            }
            mine.SetResult(served);
        }
        catch (Exception error)
        {
            lock (_gate)
                if (ReferenceEquals(_fetching, mine.Task)) _fetching = null;
            mine.SetException(error);
        }
    }

    /// <summary>
    /// Drops the replica unless it is at least <paramref name="generation"/> of model activation <paramref name="epoch"/>,
    /// and returns once no prediction runs on the dropped one.
    /// </summary>
    public async Task InvalidateAsync(Guid epoch, long generation)
    {
        Replica? dropped = null;
        lock (_gate)
        {
            _invalidations++;
            _invalidEpoch = epoch;
            _invalidGeneration = generation;
            // A fetch in flight may answer from before this invalidation: later callers start their own.
            _fetching = null;
            if (_served is { } served && (served.Set.Epoch != epoch || served.Set.Generation < generation))
            {
                // A full fence: a prediction counted in after this sees the swap, one counted in before is waited for.
                Interlocked.Exchange(ref _served, null);
                dropped = served;
            }
        }
        while (dropped is { InUse: true }) await Task.Yield();
    }

    /// <summary>Whether a replica is served now.</summary>
    public bool Serving => Unexpired() is not null;

    /// <summary>Drops the replica if its lease ran out, so weights nobody asks for do not stay in memory.</summary>
    public void DropIfExpired() => Unexpired();

    /// <summary>The replica served now, unless its lease ran out (then it is dropped).</summary>
    private Replica? Unexpired()
    {
        var served = Volatile.Read(ref _served);
        if (served is null || time.GetTimestamp() < served.ExpiresAt) return served;
        Interlocked.CompareExchange(ref _served, null, served);
        return null;
    }
}
