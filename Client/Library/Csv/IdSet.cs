using System.IO.Hashing;
using System.Runtime.InteropServices;

namespace Unlearning.Client.Csv;

/// <summary>
/// The ids of a file read so far, kept as 64-bit XxHash3 hashes in an open-addressing table: 11 to 21 bytes per id,
/// whatever the ids' length. Two distinct ids share a hash with probability about n^2/2^65 over n ids (3e-8 for a
/// million, 3e-6 for ten million), so <see cref="Add"/> returning false means "probably seen": the caller confirms
/// against the file before calling it a duplicate.
/// </summary>
internal sealed class IdSet(IdSet.Hasher? hash = null)
{
    private const int InitialCapacity = 1 << 10;

    private readonly Hasher _hash = hash ?? Hash;
    private ulong[] _slots = new ulong[InitialCapacity];

    internal delegate ulong Hasher(ReadOnlySpan<char> id);

    public int Count { get; private set; }

    /// <summary>False when an id with the same hash was added before.</summary>
    public bool Add(ReadOnlySpan<char> id)
    {
        // 0 marks an empty slot; folding it onto 1 costs nothing measurable in collisions.
        var hash = Math.Max(_hash(id), 1UL);
        if (!Insert(_slots, hash))
        {
            return false;
        }

        if (++Count > _slots.Length / 4 * 3)
        {
            Grow();
        }

        return true;
    }

    public static ulong Hash(ReadOnlySpan<char> id) => XxHash3.HashToUInt64(MemoryMarshal.AsBytes(id));

    private static bool Insert(ulong[] slots, ulong hash)
    {
        var mask = slots.Length - 1;
        for (var i = (int)hash & mask; ; i = (i + 1) & mask)
        {
            if (slots[i] == hash)
            {
                return false;
            }

            if (slots[i] == 0)
            {
                slots[i] = hash;
                return true;
            }
        }
    }

    private void Grow()
    {
        var larger = new ulong[_slots.Length * 2];
        foreach (var hash in _slots)
        {
            if (hash != 0)
            {
                Insert(larger, hash);
            }
        }

        _slots = larger;
    }
}
