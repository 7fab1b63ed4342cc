using System.Diagnostics.CodeAnalysis;

namespace Unlearning.Client.Security;

/// <summary>Token lifetimes written as a whole number and a unit: 90s, 30m, 1h, 7d; at most 30 days.</summary>
public static class TokenLifetime
{
    /// <summary>A token's lifetime unless said otherwise: 1 hour.</summary>
    public static readonly TimeSpan Default = TimeSpan.FromHours(1);

    /// <summary>The longest lifetime a silo accepts.</summary>
    public static TimeSpan Max => TokenDefaults.MaxLifetime;

    /// <summary>Parses <paramref name="text"/> (30m, 1h, 7d); <paramref name="problem"/> says what is wrong when it fails.</summary>
    public static bool TryParse(string? text, out TimeSpan lifetime, [NotNullWhen(false)] out string? problem) =>
        Durations.TryParse(text, Max, "a lifetime", out lifetime, out problem);

    /// <summary>As <see cref="TryParse"/>, throwing <see cref="FormatException"/>.</summary>
    public static TimeSpan Parse(string text) =>
        TryParse(text, out var lifetime, out var problem) ? lifetime : throw new FormatException(problem);

    /// <summary>The shortest exact form: 7d, 36h, 90m, 45s.</summary>
    public static string Format(TimeSpan lifetime) => Durations.Format(lifetime);
}
