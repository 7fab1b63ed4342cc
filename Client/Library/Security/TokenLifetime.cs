using System.Diagnostics.CodeAnalysis;
using System.Globalization;

namespace Unlearning.Client.Security;

/// <summary>Token lifetimes written as a whole number and a unit: 90s, 30m, 1h, 7d; at most 30 days.</summary>
public static class TokenLifetime
{
    public static readonly TimeSpan Default = TimeSpan.FromHours(1);

    public static TimeSpan Max => TokenDefaults.MaxLifetime;

    public static bool TryParse(string? text, out TimeSpan lifetime, [NotNullWhen(false)] out string? problem)
    {
        lifetime = default;
        problem = null;
        text = text?.Trim() ?? "";
        if (text.Length < 2 || !long.TryParse(text.AsSpan(0, text.Length - 1), NumberStyles.None, CultureInfo.InvariantCulture, out var count))
        {
            problem = $"'{text}' is not a lifetime such as 30m, 1h or 7d";
            return false;
        }

        var unit = text[^1] switch
        {
            's' => TimeSpan.FromSeconds(1),
            'm' => TimeSpan.FromMinutes(1),
            'h' => TimeSpan.FromHours(1),
            'd' => TimeSpan.FromDays(1),
            _ => TimeSpan.Zero,
        };
        if (unit == TimeSpan.Zero)
        {
            problem = $"'{text}' has no unit: use s, m, h or d, as in 30m, 1h or 7d";
            return false;
        }

        if (count == 0)
        {
            problem = "the lifetime must be positive";
            return false;
        }

        if (count > Max.Ticks / unit.Ticks)
        {
            problem = $"'{text}' is longer than the maximum of {Format(Max)}";
            return false;
        }

        lifetime = unit * count;
        return true;
    }

    public static TimeSpan Parse(string text) =>
        TryParse(text, out var lifetime, out var problem) ? lifetime : throw new FormatException(problem);

    /// <summary>The shortest exact form: 7d, 36h, 90m, 45s.</summary>
    public static string Format(TimeSpan lifetime) =>
        lifetime.Ticks % TimeSpan.TicksPerDay == 0 ? $"{lifetime.Ticks / TimeSpan.TicksPerDay}d"
        : lifetime.Ticks % TimeSpan.TicksPerHour == 0 ? $"{lifetime.Ticks / TimeSpan.TicksPerHour}h"
        : lifetime.Ticks % TimeSpan.TicksPerMinute == 0 ? $"{lifetime.Ticks / TimeSpan.TicksPerMinute}m"
        : $"{(long)lifetime.TotalSeconds}s";
}
