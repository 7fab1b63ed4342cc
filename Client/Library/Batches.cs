namespace Unlearning.Client;

internal static class Batches
{
    /// <summary>The most rows sent to the cluster in one call.</summary>
    public const int Size = 10_000;

    public static IEnumerable<Range> Of(int count, int size = Size)
    {
        for (var start = 0; start < count; start += size)
        {
            yield return start..Math.Min(start + size, count);
        }
    }
}
