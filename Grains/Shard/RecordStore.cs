using Orleans.Storage;
using Unlearning.Storage;

namespace Unlearning.Shard;

/// <summary>
/// A shard's records: in storage as chunk rows named after the shard (so writes stay proportional to what changed), and
/// in memory as those same chunks, by slice, with sorted row orders over them (<see cref="SliceRecords"/>) and the
/// subjects they hold (<see cref="SubjectIndex"/>). Nothing is read until something needs the records
/// (<see cref="EnsureLoadedAsync"/>): an activation that only serves weights never reads a chunk.
/// </summary>
internal sealed class RecordStore(IGrainStorage storage, GrainId shard)
{
    private SliceRecords[] _slices = [];
    private readonly SubjectIndex _subjects = new();
    // Each chunk's stored row (its etag), and the slice it belongs to.
    private readonly Dictionary<int, GrainState<RecordChunk>> _stored = [];
    private readonly Dictionary<int, int> _sliceOf = [];
    private readonly Dictionary<int, CoalescingWriter> _writers = [];
    private ShardRows? _rows;
    private Task? _loading;

    public bool IsLoaded => _loading is { IsCompletedSuccessfully: true };

    /// <summary>Committed records held; valid once loaded.</summary>
    public int Count => _slices.Sum(slice => slice.Count);

    /// <summary>The committed records by slice, as they are now; the view stays valid after the shard changes.</summary>
    public ShardRows Rows => _rows ??= new ShardRows([.. _slices.Select(slice => slice.Rows)]);

    /// <summary>Reads every committed and staged chunk, once per activation (again after a failed read).</summary>
    public Task EnsureLoadedAsync(ShardState state, int slices)
    {
        if (_loading is null || _loading.IsFaulted || _loading.IsCanceled) _loading = LoadAsync(state, slices);
        return _loading;
    }

    /// <summary>Deletes chunks whose write never completed (the shard stopped mid-ingest).</summary>
    /// <returns>Whether <paramref name="state"/> changed and must be written.</returns>
    public async Task<bool> ClearAbandonedAsync(ShardState state)
    {
        if (state.PendingChunks.Count == 0) return false;
        foreach (var number in state.PendingChunks.ToArray())
        {
            var chunk = await ReadAsync(number);
            if (chunk.RecordExists) await storage.ClearStateAsync(Name(number), shard, chunk);
        }
        state.PendingChunks.Clear();
        return true;
    }

    private async Task LoadAsync(ShardState state, int slices)
    {
        _slices = [.. Enumerable.Range(0, slices).Select(_ => new SliceRecords())];
        _subjects.Clear();
        _stored.Clear();
        _sliceOf.Clear();
        _rows = null;
        var wanted = state.Chunks.Select(c => (c.Slice, c.Number, Ingest: (string?)null))
            .Concat(state.Staged.SelectMany(ingest => ingest.Chunks.Select(c => (c.Slice, c.Number, Ingest: (string?)ingest.Id))))
            .ToArray();
        var chunks = await Task.WhenAll(wanted.Select(async c => (c.Slice, c.Number, c.Ingest, Stored: await ReadAsync(c.Number))));
        _subjects.Reserve(chunks.Sum(c => c.Stored.State!.Count));
        foreach (var (slice, number, ingest, stored) in chunks)
        {
            var chunk = Interned(stored.State!, ingest is null, number);
            stored.State = chunk;
            _stored[number] = stored;
            _sliceOf[number] = slice;
            _slices[slice].AddLoaded(number, chunk, ingest);
        }
        foreach (var slice in _slices) slice.Seal();
        _subjects.Compact();
    }

    /// <summary>
    /// Stores <paramref name="records"/> in new chunks staged for <paramref name="ingestId"/>: first marks them pending in
    /// the shard's row, so a crash mid-way leaves nothing unaccounted for, then writes them; the caller makes them
    /// staged by writing the shard's row.
    /// </summary>
    public async Task StageAsync(string ingestId, DataRecord[] records, Func<DataRecord, int> sliceOf, ShardState state, Func<Task> writeState)
    {
        // One string per subject, shared with the chunks already held.
        var interned = new Dictionary<string, string>(StringComparer.Ordinal);
        string SubjectOf(DataRecord record)
        {
            if (!interned.TryGetValue(record.Subject, out var subject)) interned[record.Subject] = subject = _subjects.Intern(record.Subject, record.Id);
            return subject;
        }
        var planned = records.GroupBy(sliceOf)
            .SelectMany(group => group.Chunk(RecordChunk.MaxRows).Select(part => (Slice: group.Key, Number: state.NextChunk++, Chunk: RecordChunk.Of(part, SubjectOf))))
            .ToArray();
        state.PendingChunks.AddRange(planned.Select(p => p.Number));
        await writeState();
        await Task.WhenAll(planned.Select(async p =>
        {
            var stored = new GrainState<RecordChunk>(p.Chunk);
            await storage.WriteStateAsync(Name(p.Number), shard, stored);
            _stored[p.Number] = stored;
        }));

        var staged = state.Staged.Find(s => s.Id == ingestId);
        if (staged is null) state.Staged.Add(staged = new StagedIngest { Id = ingestId });
        foreach (var group in planned.GroupBy(p => p.Slice))
        {
            _slices[group.Key].Stage(ingestId, [.. group.Select(p => (p.Number, p.Chunk))]);
            foreach (var (slice, number, chunk) in group)
            {
                state.PendingChunks.Remove(number);
                staged.Chunks.Add(new ChunkRef(slice, number));
                _sliceOf[number] = slice;
                foreach (var subject in chunk.Subjects) _subjects.Add(subject, committed: false, number);
            }
        }
    }

    /// <summary>Makes an ingest's staged records part of the shard, in memory and in <paramref name="state"/>; the caller writes it.</summary>
    /// <returns>How many records joined, and the slices they joined.</returns>
    public (int Records, IReadOnlyCollection<int> Slices) Commit(string ingestId, ShardState state)
    {
        var staged = state.Staged.Find(s => s.Id == ingestId);
        if (staged is null) return (0, []);
        state.Staged.Remove(staged);
        state.Chunks.AddRange(staged.Chunks);
        var joined = 0;
        var touched = new List<int>();
        for (var slice = 0; slice < _slices.Length; slice++)
        {
            var entries = _slices[slice].Commit(ingestId);
            if (entries.Length == 0) continue;
            foreach (var entry in entries)
            {
                var (chunk, row) = _slices[slice].At(entry);
                _subjects.Commit(chunk.Subjects[row]);
            }
            joined += entries.Length;
            touched.Add(slice);
        }
        if (touched.Count > 0) _rows = null;
        _subjects.Compact();
        return (joined, touched);
    }

    /// <summary>Deletes an ingest's staged chunks and drops it from <paramref name="state"/>; the caller writes it.</summary>
    /// <returns>Whether anything was staged for it.</returns>
    public async Task<bool> AbortAsync(string ingestId, ShardState state)
    {
        var staged = state.Staged.Find(s => s.Id == ingestId);
        if (staged is null) return false;
        foreach (var slice in _slices)
        {
            foreach (var number in slice.Abort(ingestId).ToArray())
            {
                foreach (var subject in _stored[number].State!.Subjects) _subjects.Remove(subject, committed: false);
            }
        }
        await Task.WhenAll(staged.Chunks.Select(async c =>
        {
            _sliceOf.Remove(c.Number);
            if (_stored.Remove(c.Number, out var chunk)) await storage.ClearStateAsync(Name(c.Number), shard, chunk);
        }));
        state.Staged.Remove(staged);
        _subjects.Compact();
        return true;
    }

    /// <summary>
    /// Deletes every chunk row of the shard (committed, staged and pending), read back from <paramref name="state"/> so a
    /// chunk not loaded goes too, and forgets them in memory; the caller clears the shard's own row.
    /// </summary>
    /// <returns>How many committed records the shard held (the caller loads them first).</returns>
    public async Task<int> DeleteAllAsync(ShardState state)
    {
        var held = Count;
        var numbers = state.Chunks.Select(c => c.Number)
            .Concat(state.Staged.SelectMany(s => s.Chunks).Select(c => c.Number))
            .Concat(state.PendingChunks)
            .Concat(_stored.Keys)
            .Distinct()
            .ToArray();
        foreach (var number in numbers)
        {
            var chunk = _stored.TryGetValue(number, out var loaded) ? loaded : await ReadAsync(number);
            if (chunk.RecordExists) await storage.ClearStateAsync(Name(number), shard, chunk);
        }
        _slices = [.. _slices.Select(_ => new SliceRecords())];
        foreach (var slice in _slices) slice.Seal();
        _subjects.Clear();
        _stored.Clear();
        _sliceOf.Clear();
        _writers.Clear();
        _rows = null;
        return held;
    }

    /// <summary>
    /// Removes the subjects' records from memory, committed and staged (an ingest then commits without them), looking only
    /// at the chunks that hold them; <see cref="RewriteAsync"/> then removes them from storage. One removal per subject
    /// given, in order; a subject given twice is removed at its first place (the second finds nothing).
    /// </summary>
    public SubjectRemoval[] TakeSubjects(IReadOnlyList<string> subjects)
    {
        var removals = new SubjectRemoval[subjects.Count];
        var held = new Dictionary<string, Taken>(StringComparer.Ordinal);
        for (var i = 0; i < subjects.Count; i++)
        {
            removals[i] = SubjectRemoval.None;
            if (_subjects.Holds(subjects[i])) held.TryAdd(subjects[i], new Taken(i));
        }
        if (held.Count == 0) return removals;

        var bySlice = held.Keys.SelectMany(_subjects.ChunksOf).Distinct()
            .Where(_sliceOf.ContainsKey)
            .GroupBy(number => _sliceOf[number]);
        var subjectSet = held.Keys.ToHashSet(StringComparer.Ordinal);
        // Slices in ascending order, so the first slice a subject's committed record is found in is its first slice.
        foreach (var group in bySlice.OrderBy(g => g.Key))
        {
            var slice = group.Key;
            var (removed, replaced) = _slices[slice].RemoveSubjects(subjectSet, group);
            foreach (var number in replaced) _stored[number].State = _slices[slice].ChunkOf(number);
            foreach (var (record, committed, number) in removed)
            {
                _subjects.Remove(record.Subject, committed);
                var of = held[record.Subject];
                of.Chunks.Add(number);
                if (!committed) continue;
                of.Records.Add(record);
                if (of.FirstSlice < 0) of.FirstSlice = slice;
            }
        }
        if (held.Values.Any(t => t.Records.Count > 0)) _rows = null;
        foreach (var of in held.Values) removals[of.At] = new SubjectRemoval([.. of.Records], of.FirstSlice, of.Chunks);
        return removals;
    }

    /// <summary>What <see cref="TakeSubjects"/> has taken of one subject so far, and where the subject was asked for.</summary>
    private sealed class Taken(int at)
    {
        public int At { get; } = at;
        public List<DataRecord> Records { get; } = [];
        public HashSet<int> Chunks { get; } = [];
        public int FirstSlice { get; set; } = -1;
    }

    /// <summary>
    /// The committed records as storage holds them now, read again (not the copies in memory), by slice in canonical
    /// order: what a verification rebuilds from.
    /// </summary>
    public async Task<ShardRows> ReadStoredAsync(ShardState state, int slices)
    {
        var stored = Enumerable.Range(0, slices).Select(_ => new SliceRecords()).ToArray();
        foreach (var (slice, number) in state.Chunks.ToArray()) stored[slice].AddLoaded(number, (await ReadAsync(number)).State!, null);
        foreach (var slice in stored) slice.Seal();
        return new ShardRows([.. stored.Select(slice => slice.Rows)]);
    }

    /// <summary>Where a record id is held: its chunk and row, and the ingest that staged it (null once committed).</summary>
    public (RecordChunk Chunk, int Row, string? Ingest)? Find(string recordId, int slice) => _slices[slice].Find(recordId);

    public int CountOf(string subject) => _subjects.CommittedOf(subject);

    /// <summary>Subjects held (committed or staged), and the entries their index has room for.</summary>
    public (int Subjects, int Capacity) SubjectIndexSize => (_subjects.Count, _subjects.Capacity);

    /// <summary>A subject's committed records, slice by slice in canonical order.</summary>
    public DataRecord[] FindSubject(string subject)
    {
        if (_subjects.CommittedOf(subject) == 0) return [];
        var numbers = _subjects.ChunksOf(subject);
        return [.. _slices.SelectMany(slice => slice.CommittedOf(subject, numbers))];
    }

    /// <summary>Rewrites the chunks that held removed records; emptied ones are cleared and leave the index.</summary>
    /// <returns>Whether the index in <paramref name="state"/> changed and must be written.</returns>
    public async Task<bool> RewriteAsync(SubjectRemoval removal, ShardState state)
    {
        var emptied = await Task.WhenAll(removal.Chunks.Select(async number =>
        {
            // A concurrent forget that emptied this chunk cleared it already.
            if (!_stored.TryGetValue(number, out var stored)) return false;
            await WriterOf(number, stored).WriteAsync();
            if (!IsEmpty(stored) || !_stored.Remove(number)) return false;
            if (_sliceOf.Remove(number, out var slice)) _slices[slice].Drop(number);
            _writers.Remove(number);
            var unlisted = state.Chunks.RemoveAll(c => c.Number == number);
            foreach (var ingest in state.Staged) unlisted += ingest.Chunks.RemoveAll(c => c.Number == number);
            return unlisted > 0;
        }));
        return emptied.Any(e => e);
    }

    /// <summary>Concurrent forgets may touch one chunk: its writes go one at a time, each storing its newest content.</summary>
    private CoalescingWriter WriterOf(int number, GrainState<RecordChunk> stored)
    {
        if (!_writers.TryGetValue(number, out var writer))
        {
            writer = new CoalescingWriter(async () =>
            {
                if (!IsEmpty(stored)) await storage.WriteStateAsync(Name(number), shard, stored);
                else if (stored.RecordExists) await storage.ClearStateAsync(Name(number), shard, stored);
            });
            _writers[number] = writer;
        }
        return writer;
    }

    /// <summary>The chunk with its subjects as the shard's strings, counted in the index.</summary>
    private RecordChunk Interned(RecordChunk chunk, bool committed, int number)
    {
        // Each subject becomes the shard's string for it: an equal string, so the chunk's content does not change.
        for (var row = 0; row < chunk.Count; row++)
        {
            var subject = _subjects.Intern(chunk.Subjects[row], chunk.Ids[row]);
            chunk.Subjects[row] = subject;
            _subjects.Add(subject, committed, number);
        }
        return chunk;
    }

    private async Task<GrainState<RecordChunk>> ReadAsync(int number)
    {
        var chunk = new GrainState<RecordChunk>(RecordChunk.Empty);
        await storage.ReadStateAsync(Name(number), shard, chunk);
        if (!chunk.RecordExists || IsEmpty(chunk)) chunk.State = RecordChunk.Empty;
        return chunk;
    }

    /// <summary>No rows; also true of the blank instance a store puts in a state it cleared or did not find.</summary>
    private static bool IsEmpty(GrainState<RecordChunk> stored) => stored.State?.Ids is not { Length: > 0 };

    private static string Name(int number) => $"records-{number}";
}

/// <summary>What taking a subject out of a shard's memory removed, and which stored chunks must follow.</summary>
internal sealed record SubjectRemoval(DataRecord[] Records, int FirstSlice, IReadOnlySet<int> Chunks)
{
    public static readonly SubjectRemoval None = new([], -1, new HashSet<int>());

    public static SubjectRemoval Merge(IReadOnlyCollection<SubjectRemoval> removals)
    {
        var found = removals.Where(r => r.Records.Length > 0).ToArray();
        return new SubjectRemoval(
            [.. found.SelectMany(r => r.Records)],
            found.Length == 0 ? -1 : found.Min(r => r.FirstSlice),
            removals.SelectMany(r => r.Chunks).ToHashSet());
    }
}
