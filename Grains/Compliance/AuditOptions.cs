namespace Unlearning.Compliance;

/// <summary>The audit log, bound from the "Audit" configuration section.</summary>
public sealed class AuditOptions
{
    public const string Section = "Audit";

    /// <summary>Default of <see cref="SegmentEntries"/>.</summary>
    public const int DefaultSegmentEntries = 256;

    /// <summary>
    /// The subject-key file: one key a line, <c>ID BASE64</c> (at least 32 random bytes), the last line the current key,
    /// earlier lines rotated-out keys kept so that older entries stay findable; <c>#</c> starts a comment. Without it the
    /// cluster keeps a key of its own in the store, so that whoever holds the store could test guessed subject ids.
    /// </summary>
    public string? SubjectKeys { get; set; }

    /// <summary>Entries per stored segment of the log (one row each): an append rewrites the last segment only.</summary>
    public int SegmentEntries { get; set; } = DefaultSegmentEntries;

    /// <summary>Command-line switches of this section.</summary>
    public static readonly Dictionary<string, string> SwitchMappings = new()
    {
        ["--audit-subject-keys"] = $"{Section}:{nameof(SubjectKeys)}",
    };
}
