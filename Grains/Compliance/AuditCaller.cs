namespace Unlearning.Compliance;

/// <summary>
/// Who made the client call being served, as the silo's call filter found it in the caller's valid token (its subject),
/// for the audit entries the call makes. Flows with the call's own execution only: a client cannot set it, and it is
/// null for calls the cluster checks no token on.
/// </summary>
public static class AuditCaller
{
    // The validated caller travels on with the grain calls a client's call makes (a forget request's calls to models),
    // in the request context; only the silos' outgoing filter writes it there, on the calls it marks as the cluster's
    // own, and it overwrites whatever a client sent under this key.
    private const string ContextKey = "unlearning-audit-caller";

    private static readonly AsyncLocal<string?> Subject = new();

    public static string? Current => Subject.Value;

    /// <summary>Set by the call filter before it runs a client's call: <paramref name="subject"/> is what its token proved.</summary>
    public static void Set(string? subject) => Subject.Value = subject;

    /// <summary>Set by the call filter before it runs a call one of the cluster's grains made: the caller it serves, if any.</summary>
    public static void Inherit() => Subject.Value = RequestContext.Get(ContextKey) as string;

    /// <summary>
    /// Called on every call a silo marks as the cluster's own, as it leaves: the caller being served goes with it, for
    /// <see cref="Inherit"/>. Written here rather than when a client's call comes in, so that a call that makes no grain
    /// calls (a prediction) pays nothing for it.
    /// </summary>
    public static void Pass()
    {
        if (Subject.Value is { } subject) RequestContext.Set(ContextKey, subject);
        else RequestContext.Remove(ContextKey);
    }
}
