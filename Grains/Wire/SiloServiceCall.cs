namespace Unlearning.Wire;

/// <summary>
/// Marks the calls a silo's own services make outside any grain (the audit trail's appends, the signing and subject
/// keys, the recovery of forget requests) as the cluster's own, so the silo's outgoing stamp marks them internal like a
/// grain's. It lives in this process's async flow only: nothing a client or an HTTP request sends can set it, and a
/// scope ends with the method that opened it.
/// </summary>
public static class SiloServiceCall
{
    private static readonly AsyncLocal<bool> Active = new();

    /// <summary>Whether the current flow is a silo service's own work.</summary>
    public static bool IsActive => Active.Value;

    /// <summary>Marks the rest of the calling method's flow (and what it awaits) as a silo service's own.</summary>
    public static void Begin() => Active.Value = true;
}
