namespace Unlearning.Wire;

/// <summary>
/// The model grain's side for the silos' read replicas (same grain as <see cref="IModelGrain"/>): the ensemble a
/// replica may serve. See <see cref="Unlearning.Serving.ReplicaCache"/>.
/// </summary>
[Alias("Unlearning.IModelServing")]
public interface IModelServing : IGrainWithStringKey
{
    /// <summary>
    /// The ensemble a prediction may use now (waiting, as a prediction does, while every shard is between weights),
    /// stamped with the model activation's <see cref="ServingSet.Epoch"/> and the invalidation generation it is
    /// current for.
    /// </summary>
    [Alias("GetServingSet")] Task<ServingSet> GetServingSet();
}

/// <summary>
/// One per silo, keyed by the silo's address and activated only there: drops a model's replica on that silo before the
/// model accepts a forget (or after any other change of what it serves).
/// </summary>
[Alias("Unlearning.IReplicaHost")]
public interface IReplicaHost : IGrainWithStringKey
{
    /// <summary>
    /// Drops the replica of <paramref name="model"/> unless it is as new as generation <paramref name="generation"/>
    /// of activation <paramref name="epoch"/>, and refuses any set fetched before this call that is not.
    /// </summary>
    [Alias("Invalidate")] Task Invalidate(string model, Guid epoch, long generation);
}

/// <summary>
/// What a replica serves: the model's config (to check rows and read the weights) and each usable shard's weights with
/// its version. <see cref="Epoch"/> names the model grain's activation, <see cref="Generation"/> the last invalidation it
/// had sent when it answered.
/// </summary>
[GenerateSerializer, Immutable, Alias("Unlearning.ServingSet")]
public sealed record ServingSet(
    [property: Id(0)] ModelConfig Config,
    [property: Id(1)] ServedShard[] Shards,
    [property: Id(2)] long Version,
    [property: Id(3)] Guid Epoch,
    [property: Id(4)] long Generation);

/// <summary>One shard's served weights (as <see cref="ShardSnapshot.Weights"/>) and which snapshot they are.</summary>
[GenerateSerializer, Immutable, Alias("Unlearning.ServedShard")]
public sealed record ServedShard(
    [property: Id(0)] ShardVersion Used,
    [property: Id(1)] double[] Weights);
