namespace Unlearning.Client;

/// <summary>Large inputs go to the cluster in batches, in order, one call at a time.</summary>
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

    /// <summary>Runs <paramref name="send"/> on each batch of <paramref name="count"/> rows, reporting each batch's size to <paramref name="advance"/>.</summary>
    public static async Task EachAsync(int count, int size, Func<Range, Task> send, Action<int>? advance = null)
    {
        foreach (var range in Of(count, size))
        {
            await send(range);
            advance?.Invoke(range.GetOffsetAndLength(count).Length);
        }
    }

    /// <summary>
    /// Sends <paramref name="rows"/> in batches and returns the answers in row order; each batch's answer must hold one
    /// item per row (<paramref name="answered"/> names them in the error otherwise).
    /// </summary>
    public static async Task<List<T>> MapAsync<TRow, T>(
        TRow[] rows, int size, Func<TRow[], Task<T[]>> send, string answered, Action<int>? advance = null)
    {
        var results = new List<T>(rows.Length);
        await EachAsync(rows.Length, size, async range =>
        {
            var batch = rows[range];
            var answer = await send(batch);
            if (answer.Length != batch.Length)
            {
                throw new InvalidOperationException($"the cluster answered {answer.Length} {answered} for {batch.Length} rows");
            }

            results.AddRange(answer);
        }, advance);
        return results;
    }
}
