namespace Unlearning.Removal;

/// <summary>
/// Vigna and Blackman's xoshiro256** generator, seeded through SplitMix64. Integer operations only,
/// so a seed gives the same stream on every machine, operating system and runtime version (unlike
/// System.Random, whose algorithm is an implementation detail of the runtime).
/// </summary>
internal sealed class Xoshiro256StarStar
{
    private ulong _s0, _s1, _s2, _s3;

    public Xoshiro256StarStar(ulong seed)
    {
        var mixer = seed;
        _s0 = SplitMix64(ref mixer);
        _s1 = SplitMix64(ref mixer);
        _s2 = SplitMix64(ref mixer);
        _s3 = SplitMix64(ref mixer);
    }

    public ulong NextUInt64()
    {
        var result = RotateLeft(_s1 * 5, 7) * 9;
        var t = _s1 << 17;
        _s2 ^= _s0;
        _s3 ^= _s1;
        _s1 ^= _s2;
        _s0 ^= _s3;
        _s2 ^= t;
        _s3 = RotateLeft(_s3, 45);
        return result;
    }

    /// <summary>A uniform draw from [-1, 1) on a grid of 2^-52; every value is exact in a double.</summary>
    public double NextSymmetricUnit() => (NextUInt64() >> 11) * (1.0 / (1UL << 52)) - 1.0;

    /// <summary>One step of SplitMix64: advances <paramref name="state"/> and returns a well-mixed word.</summary>
    public static ulong SplitMix64(ref ulong state)
    {
        var z = state += 0x9E3779B97F4A7C15UL;
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
        return z ^ (z >> 31);
    }

    private static ulong RotateLeft(ulong x, int k) => (x << k) | (x >> (64 - k));
}
