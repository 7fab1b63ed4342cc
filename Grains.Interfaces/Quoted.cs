namespace Unlearning;

/// <summary>
/// A value echoed in an error message, quoted and cut to a readable length, so a 1 GB field or a 10,000-character
/// name cannot turn one error line into a flood (and a message never carries more of a value than needed to find it).
/// </summary>
public static class Quoted
{
    public const int MaxShown = 64;

    public static string Value(string? value, int maxShown = MaxShown)
    {
        if (value is null) return "(none)";
        if (value.Length <= maxShown) return $"'{value}'";
        // Never cut a surrogate pair in half.
        var cut = char.IsHighSurrogate(value[maxShown - 1]) ? maxShown - 1 : maxShown;
        return $"'{value[..cut]}...' ({value.Length:#,0} characters)";
    }

    /// <summary>The first few of <paramref name="values"/>, and how many more there are.</summary>
    public static string List(IReadOnlyCollection<string> values, int shown = 5)
    {
        var distinct = values.Distinct(StringComparer.Ordinal).ToArray();
        var listed = string.Join(", ", distinct.Take(shown).Select(v => Value(v)));
        return distinct.Length > shown ? $"{listed} and {distinct.Length - shown} more" : listed;
    }
}
