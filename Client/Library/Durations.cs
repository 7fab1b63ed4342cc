using System.Diagnostics.CodeAnalysis;
using System.Globalization;

namespace Unlearning.Client;

/// <summary>Durations written as a whole number and a unit, as people type them: 90s, 30m, 1h, 7d.</summary>
public static class Durations
{
    /// <summary>Parses <paramref name="text"/>, at most <paramref name="max"/>, into <paramref name="duration"/>; else <paramref name="problem"/> says why not.</summary>
    /// <param name="text">A whole number and a unit: 90s, 30m, 1h, 7d.</param>
    /// <param name="max">The longest duration allowed.</param>
    /// <param name="what">What the duration is, for messages: "a lifetime", "a timeout".</param>
    /// <param name="duration">The duration parsed.</param>
    /// <param name="problem">What is wrong with <paramref name="text"/>, when it is not a duration.</param>
    public static bool TryParse(string? text, TimeSpan max, string what, out TimeSpan duration, [NotNullWhen(false)] out string? problem)
    {
        duration = default;
        problem = null;
        text = text?.Trim() ?? "";
        if (text.Length < 2 || !long.TryParse(text.AsSpan(0, text.Length - 1), NumberStyles.None, CultureInfo.InvariantCulture, out var count))
        {
            problem = $"{Quoted.Value(text)} is not {what} such as 30m, 1h or 7d";
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
            problem = $"{Quoted.Value(text)} has no unit: use s, m, h or d, as in 30m, 1h or 7d";
            return false;
        }

        if (count == 0)
        {
            problem = $"{what} must be positive";
            return false;
        }

        if (count > max.Ticks / unit.Ticks)
        {
            problem = $"{Quoted.Value(text)} is longer than the maximum of {Format(max)}";
            return false;
        }

        duration = unit * count;
        return true;
    }

    /// <summary>The shortest exact form: 7d, 36h, 90m, 45s.</summary>
    public static string Format(TimeSpan duration) =>
        duration.Ticks % TimeSpan.TicksPerDay == 0 ? $"{duration.Ticks / TimeSpan.TicksPerDay}d"
        : duration.Ticks % TimeSpan.TicksPerHour == 0 ? $"{duration.Ticks / TimeSpan.TicksPerHour}h"
        : duration.Ticks % TimeSpan.TicksPerMinute == 0 ? $"{duration.Ticks / TimeSpan.TicksPerMinute}m"
        : $"{(long)duration.TotalSeconds}s";
}
