namespace Unlearning.Compliance;

/// <summary>
/// Who made the client call being served, as the silo's call filter found it in the caller's valid token (its subject),
/// for the audit entries the call makes. Flows with the call's own execution only: a client cannot set it, and it is
/// null for calls the cluster checks no token on.
/// </summary>
public static class AuditCaller
{
    private static readonly AsyncLocal<string?> Subject = new();

    public static string? Current => Subject.Value;

    /// <summary>Set by the call filter before it runs a client's call.</summary>
    public static void Set(string? subject) => Subject.Value = subject;
}
