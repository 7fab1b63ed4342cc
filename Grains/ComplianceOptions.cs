namespace Unlearning;

/// <summary>Deadlines and upkeep of forget requests, bound from the "Compliance" configuration section.</summary>
public sealed class ComplianceOptions
{
    public const string Section = "Compliance";

    /// <summary>How long a forget request may stay open before <c>forget-status --overdue</c> lists it (GDPR Art. 12(3): one month).</summary>
    public TimeSpan Deadline { get; set; } = TimeSpan.FromDays(30);

    /// <summary>How often every silo wakes the open forget requests, so that one whose silo died carries on.</summary>
    public TimeSpan ResumeInterval { get; set; } = TimeSpan.FromSeconds(10);
}
