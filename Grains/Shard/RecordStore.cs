using Orleans.Storage;
using Unlearning.Storage;

namespace Unlearning.Shard;

/// <summary>
/// A shard's records: in memory by slice (each sorted by id, the canonical training order), and in
/// storage as chunk rows named after the shard, so writes stay proportional to what changed.
/// </summary>
internal sealed class RecordStore(IGrainStorage storage, GrainId shard) : IShardRecords
{
    /// <summary>Small enough that a forget rewrites little, large enough that a shard holds few rows.</summary>
    public const int ChunkSize = 256;

    private readonly Dictionary<int, GrainState<RecordChunk>> _chunks = [];
    private readonly Dictionary<string, int> _chunkOfRecord = new(StringComparer.Ordinal);
    private readonly Dictionary<int, CoalescingWriter> _writers = [];
    // Each subject's records with their slices, so a forget finds them without scanning the shard.
    private readonly Dictionary<string, List<(DataRecord Record, int Slice)>> _bySubject = new(StringComparer.Ordinal);
    // Built on demand, dropped when the slice changes.
    private SliceRows?[] _rows = [];
    // Records of ingests not committed yet: stored in chunks of their own, not part of the shard.
    private readonly StagedRecords _staged = new();

    public List<List<DataRecord>> Slices { get; private set; } = [];
    IReadOnlyList<List<DataRecord>> IShardRecords.Slices => Slices;
    public int Count => _chunkOfRecord.Count;

    public bool Contains(string recordId) => _chunkOfRecord.ContainsKey(recordId);

    /// <summary>The ingests with records staged here.</summary>
    public IReadOnlyCollection<string> StagedIngests => _staged.Ingests;

    /// <summary>Where a record id is staged, if it is.</summary>
    public (string Ingest, DataRecord Record)? FindStaged(string recordId) => _staged.Find(recordId);

    /// <summary>Reads every committed and staged chunk, and deletes chunks whose write never completed.</summary>
    /// <returns>Whether <paramref name="state"/> changed and must be written.</returns>
    public async Task<bool> LoadAsync(ShardState state, int slices)
    {
        Slices = [.. Enumerable.Range(0, slices).Select(_ => new List<DataRecord>())];
        _rows = new SliceRows?[slices];
        _bySubject.Clear();
        _chunkOfRecord.Clear();
        _staged.Clear();
        var abandoned = state.PendingChunks.ToArray();
        foreach (var number in abandoned)
        {
            var chunk = await ReadAsync(number);
            if (chunk.RecordExists) await storage.ClearStateAsync(Name(number), shard, chunk);
        }
        state.PendingChunks.Clear();

        var chunks = await Task.WhenAll(state.Chunks.Select(async chunk => (chunk.Slice, chunk.Number, State: await ReadAsync(chunk.Number))));
        foreach (var (slice, number, chunk) in chunks)
        {
            _chunks[number] = chunk;
            foreach (var record in chunk.State!.Records)
            {
                Slices[slice].Add(record);
                _chunkOfRecord[record.Id] = number;
                Index(record, slice);
            }
        }
        foreach (var slice in Slices) slice.Sort(ById);

        foreach (var ingest in state.Staged)
        {
            foreach (var (slice, number) in ingest.Chunks)
            {
                var chunk = await ReadAsync(number);
                _chunks[number] = chunk;
                foreach (var record in chunk.State!.Records) _staged.Add(ingest.Id, record, slice, number);
            }
        }
        return abandoned.Length > 0;
    }

    /// <summary>
    /// Stores <paramref name="records"/> in new chunks staged for <paramref name="ingestId"/>: first marks them pending in
    /// the shard's row, so a crash mid-way leaves nothing unaccounted for, then writes them; the caller makes them
    /// staged by writing the shard's row.
    /// </summary>
    public async Task StageAsync(string ingestId, DataRecord[] records, Func<DataRecord, int> sliceOf, ShardState state, Func<Task> writeState)
    {
        var planned = records.GroupBy(sliceOf)
            .SelectMany(group => group.Chunk(ChunkSize).Select(part => (Slice: group.Key, Number: state.NextChunk++, Records: part)))
            .ToArray();
        state.PendingChunks.AddRange(planned.Select(p => p.Number));
        await writeState();
        await Task.WhenAll(planned.Select(async p =>
        {
            var chunk = new GrainState<RecordChunk>(new RecordChunk { Records = [.. p.Records] });
            await storage.WriteStateAsync(Name(p.Number), shard, chunk);
            _chunks[p.Number] = chunk;
        }));

        var staged = state.Staged.Find(s => s.Id == ingestId);
        if (staged is null) state.Staged.Add(staged = new StagedIngest { Id = ingestId });
        foreach (var (slice, number, part) in planned)
        {
            state.PendingChunks.Remove(number);
            staged.Chunks.Add(new ChunkRef(slice, number));
            foreach (var record in part) _staged.Add(ingestId, record, slice, number);
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
        var joined = _staged.Take(ingestId);
        foreach (var (record, slice, number) in joined)
        {
            Slices[slice].Add(record);
            _chunkOfRecord[record.Id] = number;
            Index(record, slice);
        }
        var touched = joined.Select(r => r.Slice).Distinct().ToArray();
        foreach (var slice in touched)
        {
            Slices[slice].Sort(ById);
            _rows[slice] = null;
        }
        return (joined.Count, touched);
    }

    /// <summary>Deletes an ingest's staged chunks and drops it from <paramref name="state"/>; the caller writes it.</summary>
    /// <returns>Whether anything was staged for it.</returns>
    public async Task<bool> AbortAsync(string ingestId, ShardState state)
    {
        var staged = state.Staged.Find(s => s.Id == ingestId);
        if (staged is null) return false;
        _staged.Take(ingestId);
        await Task.WhenAll(staged.Chunks.Select(async c =>
        {
            if (_chunks.Remove(c.Number, out var chunk)) await storage.ClearStateAsync(Name(c.Number), shard, chunk);
        }));
        state.Staged.Remove(staged);
        return true;
    }

    /// <summary>
    /// Deletes every chunk row of the shard (committed, staged and pending), read back from <paramref name="state"/> so a
    /// chunk not loaded goes too, and forgets them in memory; the caller clears the shard's own row.
    /// </summary>
    /// <returns>How many committed records the shard held.</returns>
    public async Task<int> DeleteAllAsync(ShardState state)
    {
        var held = Count;
        var numbers = state.Chunks.Select(c => c.Number)
            .Concat(state.Staged.SelectMany(s => s.Chunks).Select(c => c.Number))
            .Concat(state.PendingChunks)
            .Concat(_chunks.Keys)
            .Distinct()
            .ToArray();
        foreach (var number in numbers)
        {
            var chunk = _chunks.TryGetValue(number, out var loaded) ? loaded : await ReadAsync(number);
            if (chunk.RecordExists) await storage.ClearStateAsync(Name(number), shard, chunk);
        }
        _chunks.Clear();
        _chunkOfRecord.Clear();
        _bySubject.Clear();
        _staged.Clear();
        Slices = [];
        _rows = [];
        return held;
    }

    /// <summary>Removes a subject's records from memory; <see cref="RewriteAsync"/> then removes them from storage.</summary>
    public SubjectRemoval TakeSubject(string subject)
    {
        // Records of the subject in ingests not committed yet go too: the ingest commits without them.
        var chunks = _staged.TakeSubject(subject).ToHashSet();
        if (!_bySubject.Remove(subject, out var held)) return new SubjectRemoval([], -1, chunks);
        held.Sort(BySliceThenId);
        foreach (var (record, slice) in held)
        {
            var records = Slices[slice];
            records.RemoveAt(records.BinarySearch(record, IdOrder));
            _rows[slice] = null;
            chunks.Add(_chunkOfRecord[record.Id]);
            _chunkOfRecord.Remove(record.Id);
        }
        return new SubjectRemoval([.. held.Select(r => r.Record)], held.Min(r => r.Slice), chunks);
    }

    public SliceRows RowsOf(int slice) => _rows[slice] ??= SliceRows.Of(Slices[slice]);

    /// <summary>
    /// The committed records as storage holds them now, read again (not the copies in memory), by slice in canonical
    /// order: what a verification rebuilds from.
    /// </summary>
    public async Task<IShardRecords> ReadStoredAsync(ShardState state, int slices)
    {
        var stored = Enumerable.Range(0, slices).Select(_ => new List<DataRecord>()).ToArray();
        foreach (var (slice, number) in state.Chunks.ToArray()) stored[slice].AddRange((await ReadAsync(number)).State!.Records);
        foreach (var slice in stored) slice.Sort(ById);
        return new StoredRecords(stored);
    }

    /// <summary>The stored record with this id, if any.</summary>
    public DataRecord? Find(string recordId) =>
        _chunkOfRecord.TryGetValue(recordId, out var number)
            ? _chunks[number].State!.Records.Find(r => string.Equals(r.Id, recordId, StringComparison.Ordinal))
            : null;

    public int CountOf(string subject) => _bySubject.TryGetValue(subject, out var held) ? held.Count : 0;

    public DataRecord[] FindSubject(string subject) =>
        _bySubject.TryGetValue(subject, out var held) ? [.. held.Order(Comparer<(DataRecord Record, int Slice)>.Create(BySliceThenId)).Select(r => r.Record)] : [];

    /// <summary>Rewrites the chunks that held removed records; emptied ones are cleared and leave the index.</summary>
    /// <returns>Whether the index in <paramref name="state"/> changed and must be written.</returns>
    public async Task<bool> RewriteAsync(SubjectRemoval removal, ShardState state)
    {
        var emptied = await Task.WhenAll(removal.Chunks.Select(async number =>
        {
            var records = _chunks[number].State!.Records;
            records.RemoveAll(record => (_chunkOfRecord.TryGetValue(record.Id, out var at) ? at : _staged.ChunkOf(record.Id)) != number);
            await WriterOf(number).WriteAsync();
            if (records.Count > 0) return false;
            var unlisted = state.Chunks.RemoveAll(c => c.Number == number);
            foreach (var ingest in state.Staged) unlisted += ingest.Chunks.RemoveAll(c => c.Number == number);
            return unlisted > 0;
        }));
        return emptied.Any(e => e);
    }

    /// <summary>Concurrent forgets may touch one chunk: its writes go one at a time, each storing its newest content.</summary>
    private CoalescingWriter WriterOf(int number)
    {
        if (!_writers.TryGetValue(number, out var writer))
        {
            writer = new CoalescingWriter(async () =>
            {
                var chunk = _chunks[number];
                if (chunk.State!.Records.Count > 0) await storage.WriteStateAsync(Name(number), shard, chunk);
                else await storage.ClearStateAsync(Name(number), shard, chunk);
            });
            _writers[number] = writer;
        }
        return writer;
    }

    private void Index(DataRecord record, int slice)
    {
        if (!_bySubject.TryGetValue(record.Subject, out var held)) _bySubject[record.Subject] = held = [];
        held.Add((record, slice));
    }

    private async Task<GrainState<RecordChunk>> ReadAsync(int number)
    {
        var chunk = new GrainState<RecordChunk>(new RecordChunk());
        await storage.ReadStateAsync(Name(number), shard, chunk);
        chunk.State ??= new RecordChunk();
        return chunk;
    }

    private static string Name(int number) => $"records-{number}";

    private static readonly Comparison<DataRecord> ById = (a, b) => string.CompareOrdinal(a.Id, b.Id);
    private static readonly IComparer<DataRecord> IdOrder = Comparer<DataRecord>.Create(ById);
    private static readonly Comparison<(DataRecord Record, int Slice)> BySliceThenId = (a, b) =>
        a.Slice != b.Slice ? a.Slice.CompareTo(b.Slice) : ById(a.Record, b.Record);
}

/// <summary>What taking a subject out of a shard's memory removed, and which stored chunks must follow.</summary>
internal sealed record SubjectRemoval(DataRecord[] Records, int FirstSlice, IReadOnlySet<int> Chunks)
{
    public static SubjectRemoval Merge(IReadOnlyCollection<SubjectRemoval> removals)
    {
        var found = removals.Where(r => r.Records.Length > 0).ToArray();
        return new SubjectRemoval(
            [.. found.SelectMany(r => r.Records)],
            found.Length == 0 ? -1 : found.Min(r => r.FirstSlice),
            removals.SelectMany(r => r.Chunks).ToHashSet());
    }
}

/// <summary>Records read back from storage, slice by slice.</summary>
internal sealed class StoredRecords(List<DataRecord>[] slices) : IShardRecords
{
    public IReadOnlyList<List<DataRecord>> Slices { get; } = slices;

    public SliceRows RowsOf(int slice) => SliceRows.Of(Slices[slice]);
}
