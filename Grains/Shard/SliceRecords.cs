namespace Unlearning.Shard;

/// <summary>
/// One slice of a shard in memory: its chunks (committed, or staged by an ingest not committed yet), each held once and
/// never changed, and two sorted orders of packed row entries over them (<see cref="RowEntry"/>): the committed rows by id,
/// which is the canonical training order, and the staged rows by id. Finding an id is a binary search; no per-record
/// dictionary. Used only from the shard's turns; <see cref="Rows"/> hands out an immutable view.
/// </summary>
internal sealed class SliceRecords
{
    private readonly List<RecordChunk> _chunks = [];
    private readonly List<int> _numbers = [];
    // The ingest that staged each slot's chunk; null once committed (and for slots no longer used).
    private readonly List<string?> _ingests = [];
    private readonly Dictionary<int, int> _slotOfNumber = [];
    // Replaced, never changed in place: a view handed out keeps the array it got.
    private int[] _committed = [];
    private int[] _staged = [];
    private SliceRows? _rows;

    public int Count => _committed.Length;

    /// <summary>The committed rows as they are now; the view stays valid (and unchanged) after the slice changes.</summary>
    public SliceRows Rows => _rows ??= _committed.Length == 0 ? SliceRows.Empty : new SliceRows([.. _chunks], _committed);

    public RecordChunk ChunkOf(int number) => _chunks[_slotOfNumber[number]];

    public bool Holds(int number) => _slotOfNumber.ContainsKey(number);

    /// <summary>Chunks read at activation, before <see cref="Seal"/>: committed when <paramref name="ingest"/> is null.</summary>
    public void AddLoaded(int number, RecordChunk chunk, string? ingest) => AddSlot(number, chunk, ingest);

    /// <summary>Sorts what <see cref="AddLoaded"/> brought.</summary>
    public void Seal()
    {
        var committed = new List<int>();
        var staged = new List<int>();
        for (var slot = 0; slot < _chunks.Count; slot++)
        {
            var target = _ingests[slot] is null ? committed : staged;
            for (var row = 0; row < _chunks[slot].Count; row++) target.Add(RowEntry.Of(slot, row));
        }
        _committed = Sorted([.. committed]);
        _staged = Sorted([.. staged]);
        _rows = null;
    }

    /// <summary>New chunks staged by <paramref name="ingest"/>: their rows join the staged order.</summary>
    public void Stage(string ingest, IReadOnlyList<(int Number, RecordChunk Chunk)> chunks)
    {
        var added = new List<int>();
        foreach (var (number, chunk) in chunks)
        {
            var slot = AddSlot(number, chunk, ingest);
            for (var row = 0; row < chunk.Count; row++) added.Add(RowEntry.Of(slot, row));
        }
        _staged = Merge(_staged, Sorted([.. added]));
    }

    /// <summary>Makes the rows <paramref name="ingest"/> staged here committed; returns them (as entries).</summary>
    public int[] Commit(string ingest)
    {
        var joining = Take(ref _staged, ingest);
        for (var slot = 0; slot < _chunks.Count; slot++)
            if (_ingests[slot] == ingest) _ingests[slot] = null;
        if (joining.Length == 0) return joining;
        _committed = Merge(_committed, joining);
        _rows = null;
        return joining;
    }

    /// <summary>Drops the rows <paramref name="ingest"/> staged here; returns the numbers of its chunks, which leave the slice.</summary>
    public List<int> Abort(string ingest)
    {
        Take(ref _staged, ingest);
        var numbers = new List<int>();
        for (var slot = 0; slot < _chunks.Count; slot++)
        {
            if (_ingests[slot] != ingest) continue;
            numbers.Add(_numbers[slot]);
            RemoveSlot(slot);
        }
        return numbers;
    }

    /// <summary>The row with this id, committed or staged (then with the ingest that staged it).</summary>
    public (RecordChunk Chunk, int Row, string? Ingest)? Find(string id)
    {
        foreach (var order in new[] { _committed, _staged })
        {
            var at = Search(order, id);
            if (at < 0) continue;
            var slot = RowEntry.Slot(order[at]);
            return (_chunks[slot], RowEntry.Row(order[at]), _ingests[slot]);
        }
        return null;
    }

    /// <summary>The chunk and row of each entry given.</summary>
    public (RecordChunk Chunk, int Row) At(int entry) => (_chunks[RowEntry.Slot(entry)], RowEntry.Row(entry));

    /// <summary>
    /// Removes every row of the <paramref name="subjects"/> (compared by value) from the chunks numbered
    /// <paramref name="numbers"/> that this slice holds (the others are not looked at): each chunk that held one is replaced
    /// by a chunk without them. Returns the removed records (with whether each was committed and its chunk's number) and the
    /// numbers of the chunks replaced. <paramref name="numbers"/> must not repeat a number. One pass over the slice's row
    /// orders, whatever the number of subjects.
    /// </summary>
    public (List<(DataRecord Record, bool Committed, int Number)> Removed, List<int> Chunks) RemoveSubjects(
        IReadOnlySet<string> subjects, IEnumerable<int> numbers)
    {
        var removed = new List<(DataRecord, bool, int)>();
        var chunks = new List<int>();
        // Old row -> new row in each replaced chunk's slot (indexed by slot); -1 for a removed row.
        int[]?[]? remaps = null;
        Span<bool> gone = stackalloc bool[RecordChunk.MaxRows];
        foreach (var number in numbers)
        {
            if (!_slotOfNumber.TryGetValue(number, out var slot)) continue;
            var chunk = _chunks[slot];
            gone.Clear();
            var any = false;
            for (var row = 0; row < chunk.Count; row++)
            {
                if (!subjects.Contains(chunk.Subjects[row])) continue;
                gone[row] = any = true;
                removed.Add((chunk.Record(row), _ingests[slot] is null, number));
            }
            if (!any) continue;
            var remap = new int[chunk.Count];
            for (int row = 0, next = 0; row < chunk.Count; row++) remap[row] = gone[row] ? -1 : next++;
            (remaps ??= new int[]?[_chunks.Count])[slot] = remap;
            _chunks[slot] = chunk.Without(gone[..chunk.Count]);
            chunks.Add(number);
        }
        if (remaps is null) return (removed, chunks);
        _committed = Remapped(_committed, remaps);
        _staged = Remapped(_staged, remaps);
        _rows = null;
        return (removed, chunks);
    }

    /// <summary>The committed records of <paramref name="subject"/> in the chunks numbered <paramref name="numbers"/>, in canonical (ordinal id) order.</summary>
    public List<DataRecord> CommittedOf(string subject, IEnumerable<int> numbers)
    {
        var found = new List<DataRecord>();
        foreach (var number in numbers.Distinct())
        {
            if (!_slotOfNumber.TryGetValue(number, out var slot) || _ingests[slot] is not null) continue;
            var chunk = _chunks[slot];
            for (var row = 0; row < chunk.Count; row++)
                if (string.Equals(chunk.Subjects[row], subject, StringComparison.Ordinal)) found.Add(chunk.Record(row));
        }
        found.Sort((a, b) => string.CompareOrdinal(a.Id, b.Id));
        return found;
    }

    /// <summary>Forgets an emptied chunk's slot (its rows are gone already).</summary>
    public void Drop(int number)
    {
        if (_slotOfNumber.TryGetValue(number, out var slot)) RemoveSlot(slot);
    }

    private int AddSlot(int number, RecordChunk chunk, string? ingest)
    {
        var slot = _chunks.Count;
        _chunks.Add(chunk);
        _numbers.Add(number);
        _ingests.Add(ingest);
        _slotOfNumber[number] = slot;
        return slot;
    }

    /// <summary>Slots are never reused within an activation (entries name them); a removed one holds an empty chunk.</summary>
    private void RemoveSlot(int slot)
    {
        _slotOfNumber.Remove(_numbers[slot]);
        _chunks[slot] = RecordChunk.Empty;
        _numbers[slot] = -1;
        _ingests[slot] = null;
    }

    /// <summary>Takes the entries whose chunk <paramref name="ingest"/> staged out of <paramref name="order"/>, keeping both in order.</summary>
    private int[] Take(ref int[] order, string ingest)
    {
        var taken = new List<int>();
        var kept = new List<int>(order.Length);
        foreach (var entry in order) (_ingests[RowEntry.Slot(entry)] == ingest ? taken : kept).Add(entry);
        if (taken.Count > 0) order = [.. kept];
        return [.. taken];
    }

    private static int[] Remapped(int[] order, int[]?[] remaps)
    {
        var result = new int[order.Length];
        var kept = 0;
        foreach (var entry in order)
        {
            var slot = RowEntry.Slot(entry);
            if (remaps[slot] is not { } remap)
            {
                result[kept++] = entry;
                continue;
            }
            var row = remap[RowEntry.Row(entry)];
            if (row >= 0) result[kept++] = RowEntry.Of(slot, row);
        }
        return kept == result.Length ? result : result[..kept];
    }

    private string IdOf(int entry) => _chunks[RowEntry.Slot(entry)].Ids[RowEntry.Row(entry)];

    private int[] Sorted(int[] entries)
    {
        var ids = new string[entries.Length];
        for (var i = 0; i < entries.Length; i++) ids[i] = IdOf(entries[i]);
        Array.Sort(ids, entries, StringComparer.Ordinal);
        return entries;
    }

    private int[] Merge(int[] a, int[] b)
    {
        if (b.Length == 0) return a;
        if (a.Length == 0) return b;
        var merged = new int[a.Length + b.Length];
        int i = 0, j = 0, k = 0;
        while (i < a.Length && j < b.Length)
            merged[k++] = string.CompareOrdinal(IdOf(a[i]), IdOf(b[j])) <= 0 ? a[i++] : b[j++];
        while (i < a.Length) merged[k++] = a[i++];
        while (j < b.Length) merged[k++] = b[j++];
        return merged;
    }

    private int Search(int[] order, string id)
    {
        int lo = 0, hi = order.Length - 1;
        while (lo <= hi)
        {
            var mid = lo + ((hi - lo) >> 1);
            var comparison = string.CompareOrdinal(IdOf(order[mid]), id);
            if (comparison == 0) return mid;
            if (comparison < 0) lo = mid + 1;
            else hi = mid - 1;
        }
        return -1;
    }
}
