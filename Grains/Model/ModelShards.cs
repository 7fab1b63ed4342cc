using Unlearning.Learning;
using Unlearning.Wire;

namespace Unlearning.Model;

/// <summary>The ensemble a prediction uses: the usable shards' classifiers, in shard order, and their versions.</summary>
internal sealed record EnsembleView(ShardView[] Members, IClassifier[] Classifiers, ShardVersion[] Used, long Version);

/// <summary>
/// The model's views of its shards and the ensemble they make now, rebuilt only after something about a shard
/// changed; waiters learn of every change. Used only from the model grain's turns.
/// </summary>
internal sealed class ModelShards
{
    private readonly ShardView[] _views;
    private readonly TimeProvider _time;
    private EnsembleView? _ensemble;
    private TaskCompletionSource _changed = NewSignal();

    private readonly Action _onChanged;

    /// <param name="onChanged">Told of every change, in the turn it happens (the model's read replicas must learn of it).</param>
    public ModelShards(ModelConfig config, TimeProvider time, Action onChanged)
    {
        _views = [.. Enumerable.Range(0, config.Shards).Select(i => new ShardView(i, weights => EnsembleMembers.Create(config, weights)))];
        _time = time;
        _onChanged = onChanged;
    }

    public ShardView this[int index] => _views[index];
    public IReadOnlyList<ShardView> All => _views;

    /// <summary>The sum of the shards' versions: it grows whenever any shard serves new weights.</summary>
    public long Version => _views.Sum(view => view.Snapshot.Version);

    public long Records => _views.Sum(view => view.Records);

    public int ForgetsInFlight => _views.Sum(view => view.ForgetsInFlight);

    /// <summary>Completes at the next change.</summary>
    public Task NextChange => _changed.Task;

    public EnsembleView Current
    {
        get
        {
            if (_ensemble is { } cached) return cached;
            var now = _time.GetUtcNow();
            foreach (var view in _views) view.Observe(now);
            var members = _views.Where(view => view.IsUsable).ToArray();
            return _ensemble = new EnsembleView(
                members,
                [.. members.Select(view => view.Classifier!)],
                [.. members.Select(view => new ShardVersion(view.Index, view.Snapshot.Version, view.Snapshot.ForgetsAccepted))],
                Version);
        }
    }

    /// <summary>The shards out of the ensemble for longer than <paramref name="limit"/>, as of now.</summary>
    public IEnumerable<ShardView> AbsentLongerThan(TimeSpan limit)
    {
        _ = Current;
        var now = _time.GetUtcNow();
        return _views.Where(view => view.AbsentSince is { } since && now - since > limit);
    }

    /// <summary>The ensemble as soon as it has a member, waiting at most <paramref name="wait"/> for one.</summary>
    public async Task<EnsembleView> ServingAsync(TimeSpan wait, string model)
    {
        var deadline = _time.GetTimestamp();
        while (true)
        {
            var ensemble = Current;
            if (ensemble.Members.Length > 0) return ensemble;
            var remaining = wait - _time.GetElapsedTime(deadline);
            if (remaining <= TimeSpan.Zero)
                throw new TimeoutException($"no shard of model '{model}' had clean weights within {wait.TotalSeconds:0} s");
            await Task.WhenAny(NextChange, Task.Delay(remaining, _time));
        }
    }

    public void Offer(ShardSnapshot snapshot)
    {
        if (snapshot.Shard >= 0 && snapshot.Shard < _views.Length && _views[snapshot.Shard].Offer(snapshot)) Changed();
    }

    /// <summary>Something about a shard changed: drop the cached ensemble and wake whoever waits for a change.</summary>
    public void Changed()
    {
        _ensemble = null;
        _onChanged();
        var changed = _changed;
        _changed = NewSignal();
        changed.TrySetResult();
    }

    private static TaskCompletionSource NewSignal() => new(TaskCreationOptions.RunContinuationsAsynchronously);
}
