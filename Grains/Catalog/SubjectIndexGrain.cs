using System.Security.Cryptography;
using System.Text;
using Unlearning.Wire;

namespace Unlearning.Catalog;

/// <summary>
/// What a bucket of the subject index persists: a key drawn at random when the bucket is first used, and for each
/// subject, its HMAC-SHA256 under that key (base64) and the models it was sent to.
/// </summary>
[GenerateSerializer, Alias("Unlearning.SubjectIndexState")]
public sealed class SubjectIndexState
{
    [Id(0)] public byte[]? Key { get; set; }
    [Id(1)] public Dictionary<string, List<string>> Models { get; set; } = new(StringComparer.Ordinal);
}

/// <summary>
/// One bucket of the subject -> models index (<see cref="ISubjectIndexGrain"/>). Entries are added when an ingest stages
/// a subject's records, before they can join the model, so the index names every model that holds a subject (and
/// possibly one whose ingest of it was aborted). Entries leave with their model's delete, not with a forget: a forget
/// cannot tell an ingest of the same subject running beside it from none.
/// </summary>
public sealed class SubjectIndexGrain(
    [PersistentState("subjects", StorageNames.Models)] IPersistentState<SubjectIndexState> state) : Grain, ISubjectIndexGrain
{
    public async Task Add(string model, string[] subjects)
    {
        var changed = false;
        foreach (var subject in subjects.Distinct(StringComparer.Ordinal))
        {
            var hash = Hash(subject);
            if (!state.State.Models.TryGetValue(hash, out var models)) state.State.Models[hash] = models = [];
            if (models.Contains(model, StringComparer.Ordinal)) continue;
            models.Add(model);
            changed = true;
        }
        if (changed) await state.WriteStateAsync();
    }

    public Task<string[][]> Lookup(string[] subjects) => Task.FromResult(subjects
        .Select(subject => state.State.Key is not null && state.State.Models.TryGetValue(Hash(subject), out var models) ? models.ToArray() : [])
        .ToArray());

    public async Task RemoveModel(string model)
    {
        var changed = false;
        foreach (var (hash, models) in state.State.Models.ToArray())
        {
            if (!models.Remove(model)) continue;
            changed = true;
            if (models.Count == 0) state.State.Models.Remove(hash);
        }
        if (changed) await state.WriteStateAsync();
    }

    private string Hash(string subject)
    {
        state.State.Key ??= RandomNumberGenerator.GetBytes(32);
        return Convert.ToBase64String(HMACSHA256.HashData(state.State.Key, Encoding.UTF8.GetBytes(subject)));
    }
}

/// <summary>The model and request grains' way into the index: subjects grouped by bucket, buckets called in parallel.</summary>
internal static class SubjectIndex
{
    public static Task AddAsync(IGrainFactory grains, string model, DataRecord[] records) =>
        Task.WhenAll(records.Select(r => r.Subject).Distinct(StringComparer.Ordinal).GroupBy(SubjectBuckets.Of)
            .Select(group => Bucket(grains, group.Key).Add(model, [.. group])));

    public static Task RemoveModelAsync(IGrainFactory grains, string model) =>
        Task.WhenAll(Enumerable.Range(0, SubjectBuckets.Count).Select(bucket => Bucket(grains, bucket).RemoveModel(model)));

    /// <summary>For each subject, the models that hold it (or were sent it), in order.</summary>
    public static async Task<string[][]> LookupAsync(IGrainFactory grains, string[] subjects)
    {
        var found = new string[subjects.Length][];
        var byBucket = subjects.Select((subject, i) => (subject, i)).GroupBy(s => SubjectBuckets.Of(s.subject));
        await Task.WhenAll(byBucket.Select(async group =>
        {
            var models = await Bucket(grains, group.Key).Lookup([.. group.Select(s => s.subject)]);
            foreach (var ((_, i), held) in group.Zip(models)) found[i] = held;
        }));
        return found;
    }

    private static ISubjectIndexGrain Bucket(IGrainFactory grains, int bucket) => grains.GetGrain<ISubjectIndexGrain>(SubjectBuckets.Key(bucket));
}
