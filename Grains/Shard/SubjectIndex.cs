using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace Unlearning.Shard;

/// <summary>
/// The subjects a shard holds records of: one string per subject (chunks refer to it, so equal subjects are stored once,
/// and a subject equal to its record's id is that id's string), with how many committed and staged records each has and
/// the chunks that may hold them, so a forget touches only those chunks and a forget or a count of a subject without
/// records costs one lookup.
/// </summary>
internal sealed class SubjectIndex
{
    private readonly Dictionary<string, Entry> _subjects = new(StringComparer.Ordinal);
    // The chunks after the first of the few subjects whose records sit in several: kept apart so the common entry stays small.
    private readonly Dictionary<string, int[]> _moreChunks = new(StringComparer.Ordinal);
    private readonly Dictionary<string, Entry>.AlternateLookup<ReadOnlySpan<char>> _lookup;

    public SubjectIndex() => _lookup = _subjects.GetAlternateLookup<ReadOnlySpan<char>>();

    public int Count => _subjects.Count;

    /// <summary>Entries the index has room for: <see cref="Count"/> up to the growth slack <see cref="Compact"/> gives back.</summary>
    public int Capacity => _subjects.Capacity;

    /// <summary>Makes room for <paramref name="subjects"/> subjects at once, so a load does not rehash on every doubling.</summary>
    public void Reserve(int subjects) => _subjects.EnsureCapacity(subjects);

    /// <summary>
    /// Gives back the room that growth left unused. The index doubles as it fills, so after a load or a large ingest up to
    /// half of its entries (28 bytes each, with a 4-byte bucket) can be empty: about 13 bytes a record at 62,500 subjects a
    /// shard. Trimmed sizes are primes about a fifth apart, hence trimming only above a quarter of slack. Called once the
    /// subjects of a load or an ingest are in; the next ingest grows it again.
    /// </summary>
    public void Compact()
    {
        if (_subjects.Capacity > _subjects.Count + _subjects.Count / 4 + 16) _subjects.TrimExcess();
    }

    public void Clear()
    {
        _subjects.Clear();
        _moreChunks.Clear();
    }

    /// <summary>The shard's string for this subject: the one already held, else <paramref name="id"/> when equal, else <paramref name="subject"/>.</summary>
    public string Intern(string subject, string id)
    {
        if (_lookup.TryGetValue(subject.AsSpan(), out var held, out _)) return held;
        return string.Equals(subject, id, StringComparison.Ordinal) ? id : subject;
    }

    /// <summary>Counts a record of <paramref name="subject"/> (an interned string), staged or committed, held in chunk <paramref name="chunk"/>.</summary>
    public void Add(string subject, bool committed, int chunk)
    {
        ref var entry = ref CollectionsMarshal.GetValueRefOrAddDefault(_subjects, subject, out var existed);
        if (!existed) entry.Chunk = chunk;
        else if (entry.Chunk != chunk) AddMoreChunk(subject, chunk);
        if (committed) entry.Committed++;
        else entry.Staged++;
    }

    /// <summary>A staged record of <paramref name="subject"/> joined the shard.</summary>
    public void Commit(string subject)
    {
        ref var entry = ref CollectionsMarshal.GetValueRefOrNullRef(_subjects, subject);
        entry.Staged--;
        entry.Committed++;
    }

    /// <summary>A record of <paramref name="subject"/> left the shard (forgotten, or its ingest aborted).</summary>
    public void Remove(string subject, bool committed)
    {
        ref var entry = ref CollectionsMarshal.GetValueRefOrNullRef(_subjects, subject);
        if (Unsafe.IsNullRef(ref entry)) return;
        if (committed) entry.Committed--;
        else entry.Staged--;
        if (entry.Committed > 0 || entry.Staged > 0) return;
        _subjects.Remove(subject);
        _moreChunks.Remove(subject);
    }

    /// <summary>How many committed records the subject has.</summary>
    public int CommittedOf(string subject) => _subjects.TryGetValue(subject, out var entry) ? entry.Committed : 0;

    /// <summary>Whether the subject has any record here, committed or staged.</summary>
    public bool Holds(string subject) => _subjects.ContainsKey(subject);

    /// <summary>
    /// The numbers of the chunks that held a record of the subject when it was added: every chunk holding one now is
    /// among them (one that has since lost its rows or left the shard may be too). Empty for a subject not held.
    /// </summary>
    public IReadOnlyList<int> ChunksOf(string subject)
    {
        if (!_subjects.TryGetValue(subject, out var entry)) return [];
        return _moreChunks.TryGetValue(subject, out var more) ? [entry.Chunk, .. more] : [entry.Chunk];
    }

    private void AddMoreChunk(string subject, int chunk)
    {
        ref var more = ref CollectionsMarshal.GetValueRefOrAddDefault(_moreChunks, subject, out _);
        if (more is null || Array.IndexOf(more, chunk) < 0) more = [.. more ?? [], chunk];
    }

    private struct Entry
    {
        public int Committed;
        public int Staged;
        // The first chunk that held one of the subject's records; most subjects' records arrive together, in one chunk.
        public int Chunk;
    }
}
