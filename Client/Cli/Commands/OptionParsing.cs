using System.CommandLine.Parsing;
using System.Globalization;

namespace Unlearning.Cli.Commands;

/// <summary>
/// Custom parsers for numeric options. A custom parser rather than a validator: validators also run on
/// values that failed to convert, and then throw.
/// </summary>
internal static class OptionParsing
{
    public delegate bool TryParse<T>(string text, out T value);

    /// <summary>An invariant-culture integer that <paramref name="accept"/> allows.</summary>
    public static int Integer(ArgumentResult result, string option, string expected, Func<int, bool> accept) =>
        Parse(result, option, expected, (string text, out int value) =>
            int.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out value) && accept(value));

    /// <summary>A finite invariant-culture number that <paramref name="accept"/> allows.</summary>
    public static double Number(ArgumentResult result, string option, string expected, Func<double, bool> accept) =>
        Parse(result, option, expected, (string text, out double value) =>
            double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out value)
            && double.IsFinite(value) && accept(value));

    public static T Parse<T>(ArgumentResult result, string option, string expected, TryParse<T> tryParse)
    {
        var text = result.Tokens.Count == 1 ? result.Tokens[0].Value : string.Join(" ", result.Tokens);
        if (!tryParse(text, out var value))
        {
            result.AddError($"{option} must be {expected}, not '{text}'");
        }

        return value;
    }
}
