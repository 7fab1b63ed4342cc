namespace Unlearning.Wire;

/// <summary>The catalog's side for models (same grain as <see cref="IModelCatalog"/>): models report their creation and deletion.</summary>
[Alias("Unlearning.IModelCatalogEvents")]
public interface IModelCatalogEvents : IGrainWithStringKey
{
    /// <summary>Lists the model; repeatable (a model reports itself at every activation), the first creation time stays.</summary>
    [Alias("Registered")] Task Registered(string model, UnlearningMethod method, int shards);
    [Alias("Deleted")] Task Deleted(string model);
}

/// <summary>
/// One bucket of the subject index (subject -> models that were sent its records), keyed <c>subjects/N</c> by a stable
/// hash of the subject (<see cref="SubjectBuckets"/>). Stores a keyed hash of each subject, never the subject.
/// </summary>
[Alias("Unlearning.ISubjectIndexGrain")]
public interface ISubjectIndexGrain : IGrainWithStringKey
{
    /// <summary>Notes that <paramref name="model"/> was sent records of these subjects (before they are stored).</summary>
    [Alias("Add")] Task Add(string model, string[] subjects);
    /// <summary>For each subject, the models it was sent to, by name.</summary>
    [Alias("Lookup")] Task<string[][]> Lookup(string[] subjects);
    /// <summary>Drops a deleted model from every entry of the bucket.</summary>
    [Alias("RemoveModel")] Task RemoveModel(string model);
}

/// <summary>Forgets of several subjects at once on a model (same grain as <see cref="IModelGrain"/>): one receipt per subject.</summary>
[Alias("Unlearning.IModelForgets")]
public interface IModelForgets : IGrainWithStringKey
{
    /// <summary>As <see cref="IModelGrain.Forget"/> for each subject, coalesced per shard, the store scrubbed once per shard.</summary>
    [Alias("ForgetMany"), ResponseTimeout(LongRunning.Timeout)] Task<ForgetReceipt[]> ForgetMany(string[] subjects, string requestId);
}

/// <summary>The registry's side for requests (same grain as <see cref="IForgetRequests"/>).</summary>
[Alias("Unlearning.IForgetRequestRegistry")]
public interface IForgetRequestRegistry : IGrainWithStringKey
{
    [Alias("Opened")] Task Opened(OverdueRequest request);
    /// <summary>Completed requests leave the registry; failed ones stay (they are not completed) with their error.</summary>
    [Alias("Closed")] Task Closed(string requestId, RequestState state, string? error);
    /// <summary>Drops an entry whose request holds nothing (its first write failed): there is nothing to carry on.</summary>
    [Alias("Dropped")] Task Dropped(string requestId);
    /// <summary>Wakes every accepted request, so one whose silo died carries on; called by every silo now and then.</summary>
    [Alias("ResumeAll")] Task ResumeAll();
}

/// <summary>The request's side for the registry (same grain as <see cref="IForgetRequestGrain"/>).</summary>
[Alias("Unlearning.IForgetRequestWork")]
public interface IForgetRequestWork : IGrainWithStringKey
{
    /// <summary>Carries on with every part accepted and not done; returns at once.</summary>
    [Alias("Resume")] Task Resume();
}

/// <summary>How subjects map to index buckets: a stable hash, so every silo and every restart agrees.</summary>
public static class SubjectBuckets
{
    public const int Count = 64;
    private const ulong Seed = 0x5B1EC7;

    public static int Of(string subject) => (int)(Learning.StableKeyHash.Of(subject, Seed) % Count);

    public static string Key(int bucket) => $"subjects/{bucket}";
}
