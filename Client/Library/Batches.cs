namespace Unlearning.Client;

/// <summary>Large inputs go to the cluster in batches, in order, one call at a time.</summary>
internal static class Batches
{
    /// <summary>The most rows sent to the cluster in one call.</summary>
    public const int Size = 10_000;

    /// <summary>The most feature values in one batch (16 MB of doubles), so that wide rows make smaller batches.</summary>
    public const int MaxValues = 2_000_000;

    /// <summary>Rows per batch for rows of <paramref name="features"/> values: at most <paramref name="rows"/>, at least 1.</summary>
    public static int RowsFor(int features, int rows = Size) => Math.Clamp(MaxValues / Math.Max(features, 1), 1, rows);

    /// <summary>A batch's answer must hold one item per row; <paramref name="answered"/> names them in the error otherwise.</summary>
    public static void CheckAnswered(int answers, int rows, string answered)
    {
        if (answers != rows)
        {
            throw new InvalidOperationException($"the cluster answered {answers} {answered} for {rows} rows");
        }
    }
}
