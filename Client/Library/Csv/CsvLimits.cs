namespace Unlearning.Client.Csv;

/// <summary>
/// How much of one record the reader may hold. It fails as soon as a limit is passed, so a file with a 1 GB field
/// (or no line breaks at all) costs no more memory than the limits, and its error names the limit, not the field.
/// </summary>
public sealed record CsvLimits
{
    /// <summary>The longest field unless said otherwise: 4,096 characters.</summary>
    public const int DefaultMaxFieldLength = 4_096;
    /// <summary>The longest record unless said otherwise: 1 Mi characters.</summary>
    public const int DefaultMaxRecordLength = 1 << 20;
    /// <summary>The most fields in one record unless said otherwise.</summary>
    public const int DefaultMaxColumns = 100_000;

    /// <summary>The largest value a limit may be raised to: a record buffer of 512 MB.</summary>
    public const int MaxLimit = 1 << 28;

    /// <summary>The default limits.</summary>
    public static CsvLimits Default { get; } = new();

    /// <summary>Characters in one field, after unquoting (trailing whitespace of an unquoted field included).</summary>
    public int MaxFieldLength { get; init; } = DefaultMaxFieldLength;

    /// <summary>Characters in one record, from the start of its first line to the end of its last (quoted line breaks included).</summary>
    public int MaxRecordLength { get; init; } = DefaultMaxRecordLength;

    /// <summary>Fields in one record, the header's included.</summary>
    public int MaxColumns { get; init; } = DefaultMaxColumns;

    /// <summary>Whether <paramref name="limit"/> is a limit a reader may be given: 1 to <see cref="MaxLimit"/>.</summary>
    public static bool IsValid(int limit) => limit is >= 1 and <= MaxLimit;
}
