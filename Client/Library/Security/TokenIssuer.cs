using System.Security.Cryptography;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace Unlearning.Client.Security;

/// <summary>What a token says about its bearer.</summary>
public sealed record TokenRequest(IReadOnlyList<string> Roles)
{
    /// <summary>How long the token is valid.</summary>
    public TimeSpan Lifetime { get; init; } = TokenLifetime.Default;
    /// <summary>The token's issuer (iss).</summary>
    public string Issuer { get; init; } = TokenDefaults.Issuer;
    /// <summary>The token's audience (aud).</summary>
    public string Audience { get; init; } = TokenDefaults.Audience;
    /// <summary>Who the token is for (sub).</summary>
    public string Subject { get; init; } = TokenDefaults.Subject;
}

/// <summary>A signed token and the claims a caller may want to show.</summary>
public sealed record IssuedToken(string Token, string TokenId, DateTimeOffset IssuedAt, DateTimeOffset ExpiresAt);

/// <summary>
/// Signs JWTs with a PEM private key: ES256 for an ECDSA P-256 key, RS256 for an RSA key of 2048 bits or more.
/// Claims: iss, aud, sub, iat, nbf, exp, jti and roles (a JSON array); the header's kid is the key's RFC 7638 thumbprint.
/// </summary>
public sealed class TokenIssuer : IDisposable
{
    private readonly AsymmetricAlgorithm _key;
    private readonly SigningCredentials _credentials;
    private readonly TimeProvider _time;
    private readonly JsonWebTokenHandler _handler = new() { SetDefaultTimesOnTokenCreation = false };

    private TokenIssuer(AsymmetricAlgorithm key, TimeProvider time)
    {
        _key = key;
        _time = time;
        SecurityKey securityKey;
        (securityKey, Algorithm) = key switch
        {
            ECDsa ecdsa => ((SecurityKey)new ECDsaSecurityKey(ecdsa), SecurityAlgorithms.EcdsaSha256),
            RSA rsa => (new RsaSecurityKey(rsa), SecurityAlgorithms.RsaSha256),
            _ => throw new ArgumentException("the key is neither ECDSA nor RSA", nameof(key)),
        };
        securityKey.KeyId = KeyId = Base64UrlEncoder.Encode(securityKey.ComputeJwkThumbprint());
        // IdentityModel caches signature providers process-wide by key id; a cached one would outlive this
        // issuer's key, and the next issuer for the same key file would sign with a disposed key.
        securityKey.CryptoProviderFactory = new CryptoProviderFactory { CacheSignatureProviders = false };
        _credentials = new SigningCredentials(securityKey, Algorithm);
    }

    /// <summary>ES256 or RS256.</summary>
    public string Algorithm { get; }

    /// <summary>The key id (kid) the tokens carry.</summary>
    public string KeyId { get; }

    /// <summary>An issuer signing with the PEM private key in the file at <paramref name="path"/>.</summary>
    public static TokenIssuer FromPemFile(string path, TimeProvider? time = null)
    {
        string pem;
        try
        {
            pem = File.ReadAllText(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new IOException($"cannot read the signing key {path}: {e.Message}", e);
        }

        try
        {
            return FromPem(pem, time);
        }
        catch (FormatException e)
        {
            throw new FormatException($"{path}: {e.Message}", e);
        }
    }

    /// <summary>A PKCS#8 ("PRIVATE KEY"), SEC 1 ("EC PRIVATE KEY") or PKCS#1 ("RSA PRIVATE KEY") PEM private key.</summary>
    public static TokenIssuer FromPem(string pem, TimeProvider? time = null) =>
        new(SigningKeyPem.LoadPrivate(pem), time ?? TimeProvider.System);

    /// <summary>Signs a token granting <paramref name="request"/>'s roles.</summary>
    public IssuedToken Issue(TokenRequest request)
    {
        Check(request);
        // JWT times are whole seconds: the stated times are those in the token.
        var issuedAt = DateTimeOffset.FromUnixTimeSeconds(_time.GetUtcNow().ToUnixTimeSeconds());
        var expiresAt = issuedAt + request.Lifetime;
        var tokenId = Base64UrlEncoder.Encode(RandomNumberGenerator.GetBytes(16));
        var token = _handler.CreateToken(new SecurityTokenDescriptor
        {
            Issuer = request.Issuer,
            Audience = request.Audience,
            IssuedAt = issuedAt.UtcDateTime,
            NotBefore = issuedAt.UtcDateTime,
            Expires = expiresAt.UtcDateTime,
            Claims = new Dictionary<string, object>
            {
                [JwtRegisteredClaimNames.Sub] = request.Subject,
                [JwtRegisteredClaimNames.Jti] = tokenId,
                [TokenDefaults.RolesClaim] = request.Roles.Distinct(StringComparer.Ordinal).ToArray(),
            },
            SigningCredentials = _credentials,
        });
        return new IssuedToken(token, tokenId, issuedAt, expiresAt);
    }

    /// <summary>Disposes the signing key.</summary>
    public void Dispose() => _key.Dispose();

    private static void Check(TokenRequest request)
    {
        if (request.Roles.Count == 0)
            throw new ArgumentException($"a token needs at least one role: {string.Join(", ", Roles.All)}");
        foreach (var role in request.Roles)
        {
            if (!Roles.IsKnown(role))
                throw new ArgumentException($"unknown role '{role}': the roles are {string.Join(", ", Roles.All)}");
        }
        if (request.Lifetime <= TimeSpan.Zero || request.Lifetime > TokenLifetime.Max)
            throw new ArgumentException($"the lifetime must be positive and at most {TokenLifetime.Format(TokenLifetime.Max)}");
        if (string.IsNullOrWhiteSpace(request.Issuer) || string.IsNullOrWhiteSpace(request.Audience) || string.IsNullOrWhiteSpace(request.Subject))
            throw new ArgumentException("the issuer, audience and subject must not be empty");
    }
}
