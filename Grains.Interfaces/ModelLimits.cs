using System.Buffers;

namespace Unlearning;

/// <summary>
/// The bounds of a model's settings and of what one call may carry, checked by the client before it sends and by the
/// grains when they receive: defined once here so the two cannot drift.
/// </summary>
public static class ModelLimits
{
    public const int MaxNameLength = 64;
    public const int MaxShards = 1024;
    public const int MaxSlices = 256;
    public const int MaxIterations = 1_000_000;
    /// <summary>Longest record or subject id.</summary>
    public const int MaxIdLength = 256;
    /// <summary>Most single-record removals per shard a certified model may be calibrated for.</summary>
    public const int MaxRemovals = 1_000_000;
    /// <summary>Most training records an explanation names per direction and row.</summary>
    public const int MaxTop = 100;

    // Checked on every call a client makes: a vectorised search, no allocation.
    private static readonly SearchValues<char> NameChars =
        SearchValues.Create("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_.");

    public static bool IsValidName(string? name) =>
        name is { Length: >= 1 and <= MaxNameLength } && !name.AsSpan().ContainsAnyExcept(NameChars);

    public const string NameRule = "1-64 letters, digits, '-', '_' or '.'";

    public static bool IsValidId(string? id) => id is { Length: >= 1 and <= MaxIdLength };

    /// <summary>L2 strength: strictly positive, or the optimum is not unique (and certified removal has no bound).</summary>
    public static bool IsValidLambda(double lambda) => double.IsFinite(lambda) && lambda > 0;

    /// <summary>Removals per shard a certified model is calibrated for: 1 to <see cref="MaxRemovals"/>.</summary>
    public static bool IsValidRemovals(int removals) => removals is >= 1 and <= MaxRemovals;

    public static bool IsValidTop(int top) => top is >= 1 and <= MaxTop;
}
