namespace Unlearning.Catalog;

/// <summary>
/// A sorted run of subject index entries, as one storage row holds it: the first 64 bits of each subject's keyed hash
/// and the model (by its number in the bucket's name table) it was sent to, ordered by hash then model, no pair twice.
/// Twelve bytes an entry, where a dictionary of base64 strings and lists took about twenty times that. Never changed
/// once made (a change is a new run, written as a new row), so the memory store shares it with the grain instead of
/// holding a serialised copy.
/// </summary>
[GenerateSerializer, Immutable, Alias("Unlearning.SubjectSegment")]
public sealed class SubjectSegment
{
    [Id(0)] public ulong[] Hashes { get; init; } = [];
    [Id(1)] public int[] Models { get; init; } = [];

    public int Count => Hashes.Length;

    /// <summary>A run of these entries, sorted, each pair once.</summary>
    public static SubjectSegment Of(IEnumerable<(ulong Hash, int Model)> entries)
    {
        var sorted = entries.Distinct().Order().ToArray();
        return new SubjectSegment { Hashes = [.. sorted.Select(e => e.Hash)], Models = [.. sorted.Select(e => e.Model)] };
    }

    /// <summary>One run with the entries of all of <paramref name="runs"/> whose model <paramref name="keep"/> accepts.</summary>
    public static SubjectSegment Merge(IReadOnlyList<SubjectSegment> runs, Func<int, bool>? keep = null)
    {
        var hashes = new List<ulong>(runs.Sum(r => r.Count));
        var models = new List<int>(hashes.Capacity);
        var next = new int[runs.Count];
        while (true)
        {
            var best = -1;
            for (var r = 0; r < runs.Count; r++)
            {
                if (next[r] < runs[r].Count && (best < 0 || runs[r].Precedes(next[r], runs[best], next[best]))) best = r;
            }
            if (best < 0) break;
            var (hash, model) = (runs[best].Hashes[next[best]], runs[best].Models[next[best]]);
            next[best]++;
            var repeated = hashes.Count > 0 && hashes[^1] == hash && models[^1] == model;
            if (repeated || (keep is not null && !keep(model))) continue;
            hashes.Add(hash);
            models.Add(model);
        }
        return new SubjectSegment { Hashes = [.. hashes], Models = [.. models] };
    }

    public bool Contains(ulong hash, int model)
    {
        for (var i = FirstAtOrAfter(hash); i < Count && Hashes[i] == hash; i++)
        {
            if (Models[i] == model) return true;
        }
        return false;
    }

    /// <summary>Adds to <paramref name="models"/> every model this run pairs with <paramref name="hash"/>.</summary>
    public void CollectModels(ulong hash, ISet<int> models)
    {
        for (var i = FirstAtOrAfter(hash); i < Count && Hashes[i] == hash; i++) models.Add(Models[i]);
    }

    public bool Holds(int model) => Array.IndexOf(Models, model) >= 0;

    private int FirstAtOrAfter(ulong hash)
    {
        int low = 0, high = Count;
        while (low < high)
        {
            var middle = (low + high) >>> 1;
            if (Hashes[middle] < hash) low = middle + 1;
            else high = middle;
        }
        return low;
    }

    private bool Precedes(int i, SubjectSegment other, int j) =>
        Hashes[i] < other.Hashes[j] || (Hashes[i] == other.Hashes[j] && Models[i] < other.Models[j]);
}
