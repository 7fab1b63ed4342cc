using System.Collections.Frozen;

namespace Unlearning.Silo.Security;

/// <summary>Who a validated token says the caller is. Roles holds only known <see cref="Unlearning.Roles"/> names.</summary>
public sealed class CallerIdentity(string subject, FrozenSet<string> roles, string? tokenId, DateTimeOffset expiresAt)
{
    /// <summary>The token's <c>sub</c>: the person or workload calling.</summary>
    public string Subject { get; } = subject;

    public IReadOnlySet<string> Roles { get; } = roles;

    /// <summary>The token's <c>jti</c>, for audit records; null when the token has none.</summary>
    public string? TokenId { get; } = tokenId;

    /// <summary>The token's <c>exp</c>.</summary>
    public DateTimeOffset ExpiresAt { get; } = expiresAt;

    /// <summary>Whether this caller may call a method marked with <paramref name="required"/>; a method without the mark is refused (fail closed).</summary>
    public bool IsAllowed(RequiresRoleAttribute? required) => required is not null && required.IsSatisfiedBy(Roles);

    public override string ToString() => $"{Subject} ({string.Join(", ", Roles.Order(StringComparer.Ordinal))})";
}
