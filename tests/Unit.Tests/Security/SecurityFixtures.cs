using System.Security.Cryptography;
using Microsoft.Extensions.Time.Testing;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;
using Unlearning.Client.Security;
using Unlearning.Silo.Security;

namespace Unlearning.Tests.Security;

/// <summary>Keys, clocks and tokens for the security tests; tokens with claims the issuer would never write are signed here directly.</summary>
internal sealed class SecurityFixtures : IDisposable
{
    public static readonly DateTimeOffset Start = new(2030, 1, 1, 12, 0, 0, TimeSpan.Zero);

    private readonly string _folder = Directory.CreateTempSubdirectory("unlearn-security-").FullName;

    public FakeTimeProvider Clock { get; } = new(Start);

    public ECDsa Key { get; } = ECDsa.Create(ECCurve.NamedCurves.nistP256);

    public SecurityOptions Options { get; } = new();

    public string Folder => _folder;

    public string PrivatePem => Key.ExportPkcs8PrivateKeyPem();

    public SecurityKey PublicKey => SigningKeys.FromPem(Key.ExportSubjectPublicKeyInfoPem());

    public TokenValidator Validator(int capacity = TokenValidator.DefaultCapacity) => new(Options, [PublicKey], Clock, capacity);

    /// <summary>A token from <see cref="TokenIssuer"/> signed with <see cref="Key"/>, issued at <paramref name="issuedAt"/> (default: now).</summary>
    public string Issue(TokenRequest request, DateTimeOffset? issuedAt = null) => Issue(PrivatePem, request, issuedAt);

    public string Issue(string privatePem, TokenRequest request, DateTimeOffset? issuedAt = null)
    {
        using var issuer = TokenIssuer.FromPem(privatePem, new FakeTimeProvider(issuedAt ?? Clock.GetUtcNow()));
        return issuer.Issue(request).Token;
    }

    public string Issue(params string[] roles) => Issue(new TokenRequest(roles));

    /// <summary>A token with exactly <paramref name="claims"/> besides iss, aud, iat, nbf and exp (one hour from now), signed with <see cref="Key"/>.</summary>
    public string Raw(Dictionary<string, object> claims)
    {
        var now = Clock.GetUtcNow().UtcDateTime;
        return new JsonWebTokenHandler { SetDefaultTimesOnTokenCreation = false }.CreateToken(new SecurityTokenDescriptor
        {
            Issuer = TokenDefaults.Issuer,
            Audience = TokenDefaults.Audience,
            IssuedAt = now,
            NotBefore = now,
            Expires = now.AddHours(1),
            Claims = claims,
            SigningCredentials = new SigningCredentials(new ECDsaSecurityKey(Key), SecurityAlgorithms.EcdsaSha256),
        });
    }

    public string File(string name, string content)
    {
        var path = Path.Combine(_folder, name);
        System.IO.File.WriteAllText(path, content);
        return path;
    }

    public void Dispose()
    {
        Key.Dispose();
        Directory.Delete(_folder, recursive: true);
    }
}
