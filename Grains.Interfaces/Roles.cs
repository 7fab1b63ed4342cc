using System.Collections.Frozen;

namespace Unlearning;

/// <summary>
/// The roles a caller's token can grant (claim <c>roles</c>, a JSON array of these names, compared
/// case-sensitively). <see cref="Admin"/> satisfies every <see cref="RequiresRoleAttribute"/>.
/// </summary>
public static class Roles
{
    /// <summary>Reads models: status, config, predictions, explanations, evaluations.</summary>
    public const string Reader = "reader";

    /// <summary>Creates models, ingests records and trains.</summary>
    public const string Writer = "writer";

    /// <summary>Removes a data subject's records and unlearns them.</summary>
    public const string Forgetter = "forgetter";

    /// <summary>Reads receipts and audit records.</summary>
    public const string Auditor = "auditor";

    /// <summary>Everything.</summary>
    public const string Admin = "admin";

    /// <summary>Every role, in the order above.</summary>
    public static IReadOnlyList<string> All { get; } = [Reader, Writer, Forgetter, Auditor, Admin];

    private static readonly FrozenSet<string> Known = All.ToFrozenSet(StringComparer.Ordinal);

    public static bool IsKnown(string? role) => role is not null && Known.Contains(role);
}

/// <summary>
/// Marks a grain interface method as callable only by a caller with any of <see cref="Roles"/>, or with
/// <see cref="Unlearning.Roles.Admin"/>. Read by the silo's grain call filter.
/// </summary>
[AttributeUsage(AttributeTargets.Method, AllowMultiple = false, Inherited = true)]
public sealed class RequiresRoleAttribute(params string[] roles) : Attribute
{
    public IReadOnlyList<string> Roles { get; } = roles;

    /// <summary>What the method does, in plain words for a refusal ("forget a subject"); the method's name when not set.</summary>
    public string? Action { get; init; }

    /// <summary>The roles that may call the method, admin last: "forgetter, admin".</summary>
    public string Allowed => string.Join(", ", Roles.Where(r => r != Unlearning.Roles.Admin).Append(Unlearning.Roles.Admin));

    /// <summary>
    /// Whether a caller holding <paramref name="held"/> may call the method: any one of <see cref="Roles"/>, or
    /// admin. Fails closed: with no roles listed, only admin may call.
    /// </summary>
    public bool IsSatisfiedBy(IReadOnlySet<string> held)
    {
        if (held.Contains(Unlearning.Roles.Admin))
            return true;
        foreach (var role in Roles)
        {
            if (held.Contains(role))
                return true;
        }
        return false;
    }
}
