using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.DependencyInjection;
using Orleans.Storage;
using Unlearning.Wire;

namespace Unlearning.Catalog;

/// <summary>
/// One bucket of the subject -> models index (<see cref="ISubjectIndexGrain"/>). Entries are added when an ingest stages
/// a subject's records, before they can join the model, so the index names every model that holds a subject (and
/// possibly one whose ingest of it was aborted). Entries leave with their model's delete, not with a forget: a forget
/// cannot tell an ingest of the same subject running beside it from none.
/// </summary>
/// <remarks>
/// An entry is the first 64 bits of HMAC-SHA256 under the bucket's secret key: nobody without the key can aim two
/// subjects at one entry, and a chance collision (about n/2^64 per lookup) only sends a forget to a model that holds
/// nothing of the subject, as an aborted ingest does. Entries live in sorted segments. Each batch of new entries makes a
/// segment that absorbs the newest segments while it is at least half their size (a binary counter), so a bucket holds
/// O(log n) segments and each entry is rewritten O(log n) times, where rewriting the whole bucket per batch cost O(n).
/// </remarks>
public sealed class SubjectIndexGrain(
    [PersistentState("subjects", StorageNames.Models)] IPersistentState<SubjectIndexState> state,
    [FromKeyedServices(StorageNames.Models)] IGrainStorage storage) : Grain, ISubjectIndexGrain
{
    /// <summary>A name-table slot whose model was deleted (no model is named with the empty string).</summary>
    private const string FreeSlot = "";

    private readonly List<StoredSegment> _segments = [];

    private SubjectIndexState State => state.State;

    public override async Task OnActivateAsync(CancellationToken cancellationToken)
    {
        // Rows a call wrote without finishing (an orphan under NextSegment, retired rows not yet deleted) go first.
        foreach (var number in State.Retired.Append(State.NextSegment)) await DeleteIfStoredAsync(number);
        if (State.Retired.Count > 0)
        {
            State.Retired.Clear();
            await state.WriteStateAsync(cancellationToken);
        }
        foreach (var number in State.Segments)
        {
            var stored = new GrainState<SubjectSegment>(new SubjectSegment());
            await storage.ReadStateAsync(SegmentName(number), this.GetGrainId(), stored);
            if (!stored.RecordExists) throw new InvalidOperationException($"subject index bucket {this.GetPrimaryKeyString()} lists segment {number}, which is not stored");
            _segments.Add(new StoredSegment(number, stored));
        }
        if (State.Models.Count > 0) await MigrateAsync();
    }

    public async Task Add(string model, string[] subjects)
    {
        var id = ModelId(model);
        var fresh = subjects.Distinct(StringComparer.Ordinal).Select(Hash).Where(hash => !_segments.Any(s => s.Run.Contains(hash, id)))
            .Select(hash => (hash, id)).ToArray();
        if (fresh.Length > 0) await AppendAsync(SubjectSegment.Of(fresh));
    }

    public Task<string[][]> Lookup(string[] subjects)
    {
        var found = new string[subjects.Length][];
        var models = new SortedSet<int>();
        for (var i = 0; i < subjects.Length; i++)
        {
            models.Clear();
            if (State.Key is not null)
            {
                var hash = Hash(subjects[i]);
                foreach (var segment in _segments) segment.Run.CollectModels(hash, models);
            }
            found[i] = [.. models.Select(m => State.ModelNames[m])];
        }
        return Task.FromResult(found);
    }

    public async Task RemoveModel(string model)
    {
        var id = State.ModelNames.IndexOf(model);
        if (id < 0) return;
        // The name goes too: a deleted model leaves nothing in the index.
        State.ModelNames[id] = FreeSlot;
        if (!_segments.Any(s => s.Run.Holds(id))) return;
        await ReplaceAsync(_segments.Count, SubjectSegment.Merge([.. _segments.Select(s => s.Run)], keep: m => m != id));
    }

    private Task AppendAsync(SubjectSegment added)
    {
        var size = added.Count;
        var absorbed = 0;
        while (absorbed < _segments.Count && 2L * size >= _segments[^(absorbed + 1)].Run.Count) size += _segments[^++absorbed].Run.Count;
        var merged = absorbed == 0 ? added : SubjectSegment.Merge([.. _segments.TakeLast(absorbed).Select(s => s.Run), added]);
        return ReplaceAsync(absorbed, merged);
    }

    /// <summary>
    /// Replaces the newest <paramref name="count"/> segments with <paramref name="merged"/>: writes it as a new row, then
    /// the bucket row that lists it and retires the old rows, then deletes them. A crash at any step leaves rows that the
    /// next activation deletes, never a listed row missing.
    /// </summary>
    private async Task ReplaceAsync(int count, SubjectSegment merged)
    {
        try
        {
            var retired = _segments.GetRange(_segments.Count - count, count);
            _segments.RemoveRange(_segments.Count - count, count);
            if (merged.Count > 0)
            {
                var stored = new GrainState<SubjectSegment>(merged);
                await storage.WriteStateAsync(SegmentName(State.NextSegment), this.GetGrainId(), stored);
                _segments.Add(new StoredSegment(State.NextSegment, stored));
                State.NextSegment++;
            }
            State.Segments = [.. _segments.Select(s => s.Number)];
            State.Retired.AddRange(retired.Select(s => s.Number));
            await state.WriteStateAsync();
            foreach (var old in retired)
            {
                await storage.ClearStateAsync(SegmentName(old.Number), this.GetGrainId(), old.Stored);
                State.Retired.Remove(old.Number);
            }
        }
        catch
        {
            // What is in memory may no longer be what is stored: the next call starts from the rows.
            DeactivateOnIdle();
            throw;
        }
    }

    private async Task DeleteIfStoredAsync(int number)
    {
        var stored = new GrainState<SubjectSegment>(new SubjectSegment());
        await storage.ReadStateAsync(SegmentName(number), this.GetGrainId(), stored);
        if (stored.RecordExists) await storage.ClearStateAsync(SegmentName(number), this.GetGrainId(), stored);
    }

    private Task MigrateAsync()
    {
        var entries = new List<(ulong, int)>();
        foreach (var (hash, models) in State.Models)
        {
            var prefix = BinaryPrimitives.ReadUInt64LittleEndian(Convert.FromBase64String(hash));
            entries.AddRange(models.Select(model => (prefix, ModelId(model))));
        }
        State.Models.Clear();
        return AppendAsync(SubjectSegment.Of(entries));
    }

    /// <summary>The model's slot in the name table; a new model takes a deleted one's slot, or a new one.</summary>
    private int ModelId(string model)
    {
        var id = State.ModelNames.IndexOf(model);
        if (id >= 0) return id;
        id = State.ModelNames.IndexOf(FreeSlot);
        if (id >= 0) State.ModelNames[id] = model;
        else State.ModelNames.Add(model);
        return id >= 0 ? id : State.ModelNames.Count - 1;
    }

    private ulong Hash(string subject)
    {
        State.Key ??= RandomNumberGenerator.GetBytes(32);
        Span<byte> mac = stackalloc byte[HMACSHA256.HashSizeInBytes];
        HMACSHA256.HashData(State.Key, Encoding.UTF8.GetBytes(subject), mac);
        return BinaryPrimitives.ReadUInt64LittleEndian(mac);
    }

    private static string SegmentName(int number) => $"subjects-{number}";

    private sealed record StoredSegment(int Number, GrainState<SubjectSegment> Stored)
    {
        public SubjectSegment Run => Stored.State!;
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
