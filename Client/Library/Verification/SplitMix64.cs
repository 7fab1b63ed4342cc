namespace Unlearning.Client.Verification;

/// <summary>
/// A small seeded generator (Steele, Lea and Flood's SplitMix64). Its own, not <see cref="Random"/>, so that an
/// audit's intervals stay the same for a seed whatever runtime computes them.
/// </summary>
internal struct SplitMix64(ulong seed)
{
    private ulong _state = seed;

    public ulong Next()
    {
        var z = _state += 0x9E3779B97F4A7C15UL;
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
        return z ^ (z >> 31);
    }

    /// <summary>A uniform integer in [0, bound): Lemire's multiply-and-reject, so no value is favoured.</summary>
    public int Below(int bound)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(bound);
        var range = (ulong)bound;
        var high = Math.BigMul(Next(), range, out var low);
        if (low < range)
        {
            var threshold = (0 - range) % range;
            while (low < threshold) high = Math.BigMul(Next(), range, out low);
        }
        return (int)high;
    }
}
