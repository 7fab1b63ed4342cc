using System.Diagnostics.CodeAnalysis;

namespace Unlearning.Silo.Security;

/// <summary>Why a token was refused. <see cref="TokenValidation.Reason"/> gives each as a short phrase.</summary>
public enum TokenFailure
{
    Missing,
    Malformed,
    BadSignature,
    Expired,
    NotYetValid,
    WrongIssuer,
    WrongAudience,
    NoRoles,
}

/// <summary>
/// The outcome of checking a token: the caller's identity, or a failure whose <see cref="Reason"/> is safe to
/// show the caller and to log (it never contains the token, a claim or key material).
/// </summary>
public sealed class TokenValidation
{
    private static readonly TokenValidation[] Failures = [.. Enum.GetValues<TokenFailure>().Select(f => new TokenValidation(null, f))];

    private TokenValidation(CallerIdentity? identity, TokenFailure? failure)
    {
        Identity = identity;
        Failure = failure;
    }

    public CallerIdentity? Identity { get; }

    public TokenFailure? Failure { get; }

    [MemberNotNullWhen(true, nameof(Identity))]
    [MemberNotNullWhen(false, nameof(Failure))]
    public bool IsValid => Identity is not null;

    /// <summary>"valid", or one of: missing, malformed, bad signature, expired, not yet valid, wrong issuer, wrong audience, no roles.</summary>
    public string Reason => Failure switch
    {
        null => "valid",
        TokenFailure.Missing => "missing",
        TokenFailure.Malformed => "malformed",
        TokenFailure.BadSignature => "bad signature",
        TokenFailure.Expired => "expired",
        TokenFailure.NotYetValid => "not yet valid",
        TokenFailure.WrongIssuer => "wrong issuer",
        TokenFailure.WrongAudience => "wrong audience",
        TokenFailure.NoRoles => "no roles",
        _ => "invalid",
    };

    public static TokenValidation Valid(CallerIdentity identity) => new(identity, null);

    /// <summary>A shared instance per failure: refusing allocates nothing.</summary>
    public static TokenValidation Failed(TokenFailure failure) => Failures[(int)failure];

    public override string ToString() => IsValid ? $"valid: {Identity}" : Reason;
}
