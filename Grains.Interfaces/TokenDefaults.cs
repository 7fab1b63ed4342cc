namespace Unlearning;

/// <summary>What token issuers and validators must agree on.</summary>
public static class TokenDefaults
{
    public const string Issuer = "unlearning";
    public const string Audience = "unlearning";
    public const string Subject = "dev";

    /// <summary>The claim that carries the caller's roles: a JSON array of <see cref="Roles"/> names.</summary>
    public const string RolesClaim = "roles";

    /// <summary>The Orleans RequestContext key under which a client's calls carry its token (the compact JWT).</summary>
    public const string RequestContextKey = "unlearning-token";

    /// <summary>
    /// The RequestContext key under which a client's later calls carry the <see cref="TokenReference"/> of a token the
    /// cluster has answered, instead of the token itself. A call that carries the token is checked by it, reference or not.
    /// </summary>
    public const string ReferenceContextKey = "unlearning-token-ref";

    /// <summary>The longest lifetime the token command issues.</summary>
    public static readonly TimeSpan MaxLifetime = TimeSpan.FromDays(30);
}
