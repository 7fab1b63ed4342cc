namespace Unlearning.Removal;

/// <summary>Strictly ascending row indices, the form in which a removal names the rows it takes out.</summary>
internal static class SortedIndices
{
    public static void Check(IReadOnlyList<int> indices, int rows, string name)
    {
        for (var i = 0; i < indices.Count; i++)
        {
            if (indices[i] < 0 || indices[i] >= rows)
                throw new ArgumentOutOfRangeException(name, indices[i], $"a row index outside 0..{rows - 1}");
            if (i > 0 && indices[i] <= indices[i - 1])
                throw new ArgumentException("row indices must be strictly ascending", name);
        }
    }

    /// <summary>
    /// The items, taken <paramref name="width"/> per row, without the rows at <paramref name="removed"/>
    /// (strictly ascending, as <see cref="Check"/> requires), the others kept in order.
    /// </summary>
    public static T[] Without<T>(T[] items, int width, IReadOnlyList<int> removed)
    {
        var result = new T[items.Length - removed.Count * width];
        var from = 0;
        var to = 0;
        foreach (var row in removed)
        {
            var kept = row * width - from;
            Array.Copy(items, from, result, to, kept);
            to += kept;
            from = (row + 1) * width;
        }
        Array.Copy(items, from, result, to, items.Length - from);
        return result;
    }
}
