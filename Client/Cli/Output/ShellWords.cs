using System.Buffers;

namespace Unlearning.Cli.Output;

/// <summary>Command-line words quoted for a POSIX shell only where needed, so that printed commands can be pasted.</summary>
internal static class ShellWords
{
    private static readonly SearchValues<char> Plain =
        SearchValues.Create("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_-./:@%+=,");

    public static string Join(IEnumerable<string> words) => string.Join(' ', words.Select(Quote));

    public static string Quote(string word) =>
        word.Length > 0 && !word.AsSpan().ContainsAnyExcept(Plain) ? word : $"'{word.Replace("'", "'\\''", StringComparison.Ordinal)}'";
}
