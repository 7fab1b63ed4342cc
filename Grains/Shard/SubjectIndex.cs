namespace Unlearning.Shard;

/// <summary>
/// The subjects a shard holds records of: one string per subject (chunks refer to it, so equal subjects are stored once,
/// and a subject equal to its record's id is that id's string), with how many committed and staged records each has, so
/// a forget or a count of a subject without records costs one lookup.
/// </summary>
internal sealed class SubjectIndex
{
    private readonly Dictionary<string, Counts> _subjects = new(StringComparer.Ordinal);
    private readonly Dictionary<string, Counts>.AlternateLookup<ReadOnlySpan<char>> _lookup;

    public SubjectIndex() => _lookup = _subjects.GetAlternateLookup<ReadOnlySpan<char>>();

    public int Count => _subjects.Count;

    public void Clear() => _subjects.Clear();

    /// <summary>The shard's string for this subject: the one already held, else <paramref name="id"/> when equal, else <paramref name="subject"/>.</summary>
    public string Intern(string subject, string id)
    {
        if (_lookup.TryGetValue(subject.AsSpan(), out var held, out _)) return held;
        return string.Equals(subject, id, StringComparison.Ordinal) ? id : subject;
    }

    /// <summary>Counts a record of <paramref name="subject"/> (an interned string) as staged or committed.</summary>
    public void Add(string subject, bool committed)
    {
        ref var counts = ref System.Runtime.InteropServices.CollectionsMarshal.GetValueRefOrAddDefault(_subjects, subject, out _);
        if (committed) counts.Committed++;
        else counts.Staged++;
    }

    /// <summary>A staged record of <paramref name="subject"/> joined the shard.</summary>
    public void Commit(string subject)
    {
        ref var counts = ref System.Runtime.InteropServices.CollectionsMarshal.GetValueRefOrNullRef(_subjects, subject);
        counts.Staged--;
        counts.Committed++;
    }

    /// <summary>A record of <paramref name="subject"/> left the shard (forgotten, or its ingest aborted).</summary>
    public void Remove(string subject, bool committed)
    {
        ref var counts = ref System.Runtime.InteropServices.CollectionsMarshal.GetValueRefOrNullRef(_subjects, subject);
        if (System.Runtime.CompilerServices.Unsafe.IsNullRef(ref counts)) return;
        if (committed) counts.Committed--;
        else counts.Staged--;
        if (counts.Committed <= 0 && counts.Staged <= 0) _subjects.Remove(subject);
    }

    /// <summary>How many committed records the subject has.</summary>
    public int CommittedOf(string subject) => _subjects.TryGetValue(subject, out var counts) ? counts.Committed : 0;

    /// <summary>Whether the subject has any record here, committed or staged.</summary>
    public bool Holds(string subject) => _subjects.ContainsKey(subject);

    private struct Counts
    {
        public int Committed;
        public int Staged;
    }
}
