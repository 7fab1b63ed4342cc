using Unlearning.Learning;
using Unlearning.Model;
using Unlearning.Wire;

namespace Unlearning.Serving;

/// <summary>
/// A model's ensemble as one silo serves it until <see cref="ExpiresAt"/> (a timestamp of the silo's clock), or until the
/// model invalidates it. Counts the predictions running on it, so an invalidation can wait for them to end.
/// </summary>
internal sealed class Replica
{
    private int _users;

    public Replica(ServingSet set, long expiresAt)
    {
        Set = set;
        ExpiresAt = expiresAt;
        Classifiers = [.. set.Shards.Select(shard => EnsembleMembers.Create(set.Config, shard.Weights)!)];
        Used = [.. set.Shards.Select(shard => shard.Used)];
    }

    public ServingSet Set { get; }
    public ModelConfig Config => Set.Config;
    public IClassifier[] Classifiers { get; }
    public ShardVersion[] Used { get; }
    public long ExpiresAt { get; }

    /// <summary>Whether a prediction runs on it now.</summary>
    public bool InUse => Volatile.Read(ref _users) > 0;

    public PredictionBatch Predict(double[][] rows) => EnsemblePredictions.Batch(Classifiers, Config, rows, Set.Version, Used);

    /// <summary>Counts a prediction in; full fence, so a swap of the served replica seen after it is seen by the invalidation too.</summary>
    public void Enter() => Interlocked.Increment(ref _users);

    public void Exit() => Interlocked.Decrement(ref _users);
}
