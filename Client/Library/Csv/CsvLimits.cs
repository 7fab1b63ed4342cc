namespace Unlearning.Client.Csv;

/// <summary>
/// How much of one record the reader may hold. It fails as soon as a limit is passed, so a file with a 1 GB field
/// (or no line breaks at all) costs no more memory than the limits, and its error names the limit, not the field.
/// </summary>
internal sealed record CsvLimits
{
    public const int DefaultMaxFieldLength = 4_096;
    public const int DefaultMaxRecordLength = 1 << 20;
    public const int DefaultMaxColumns = 100_000;

    /// <summary>The largest value a limit may be raised to: a record buffer of 512 MB.</summary>
    public const int MaxLimit = 1 << 28;

    public static CsvLimits Default { get; } = new();

    /// <summary>Characters in one field, after unquoting (trailing whitespace of an unquoted field included).</summary>
    public int MaxFieldLength { get; init; } = DefaultMaxFieldLength;

    /// <summary>Characters in one record, from the start of its first line to the end of its last (quoted line breaks included).</summary>
    public int MaxRecordLength { get; init; } = DefaultMaxRecordLength;

    /// <summary>Fields in one record, the header's included.</summary>
    public int MaxColumns { get; init; } = DefaultMaxColumns;

    public static bool IsValid(int limit) => limit is >= 1 and <= MaxLimit;
}
