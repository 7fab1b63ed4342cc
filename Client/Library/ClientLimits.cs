namespace Unlearning.Client;

/// <summary>How much the client sends or holds for one call, and the defaults of its optional arguments.</summary>
public static class ClientLimits
{
    /// <summary>Evaluations up to this many rows are one call (one model version); larger ones go in batches.</summary>
    public const int SingleCallRows = 100_000;

    /// <summary>The most feature values held for one evaluation call: wide rows lower <see cref="SingleCallRows"/>.</summary>
    public const int SingleCallValues = 4_000_000;

    /// <summary>The most rows a forget dry run's probe may have: every row's estimate is returned together.</summary>
    public const int MaxProbeRows = 100_000;

    /// <summary>The most rows of each membership audit file: the attacks' statistics need far fewer.</summary>
    public const int MaxAuditRows = 100_000;

    /// <summary>The most rows explained in one call: each row costs a pass over every shard's records.</summary>
    public const int ExplainBatchRows = 1_000;

    /// <summary>Training records an explanation names per direction and row, unless said otherwise.</summary>
    public const int DefaultTop = 5;

    /// <summary>Records the model holds that a membership audit samples as its control, unless said otherwise.</summary>
    public const int DefaultRetained = 1_000;

    /// <summary>Audit log entries read in one page, unless said otherwise.</summary>
    public const int DefaultAuditPage = 100;
}
