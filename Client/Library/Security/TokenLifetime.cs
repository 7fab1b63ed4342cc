using System.Diagnostics.CodeAnalysis;

namespace Unlearning.Client.Security;

/// <summary>Token lifetimes written as a whole number and a unit: 90s, 30m, 1h, 7d; at most 30 days.</summary>
public static class TokenLifetime
{
    public static readonly TimeSpan Default = TimeSpan.FromHours(1);

    public static TimeSpan Max => TokenDefaults.MaxLifetime;

    public static bool TryParse(string? text, out TimeSpan lifetime, [NotNullWhen(false)] out string? problem) =>
        Durations.TryParse(text, Max, "a lifetime", out lifetime, out problem);

    public static TimeSpan Parse(string text) =>
        TryParse(text, out var lifetime, out var problem) ? lifetime : throw new FormatException(problem);

    public static string Format(TimeSpan lifetime) => Durations.Format(lifetime);
}
