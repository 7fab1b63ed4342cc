using System.Security.Cryptography.X509Certificates;
using Unlearning.Client.Security;
using Unlearning.Tests.Storage;

namespace Unlearning.Tests.Security;

/// <summary>
/// A development set (<c>unlearn dev-setup</c>'s files) in a temporary folder, the silo's and client's options that use
/// it, tokens signed with its key, and a client certificate from another CA.
/// </summary>
public sealed class SecureCredentials : IDisposable
{
    private readonly TempDirectory _folder = new("trust");

    public SecureCredentials()
    {
        Files = DevSetup.Write(Path.Combine(_folder.Path, "dev"), overwrite: false);
        // A certificate for the client, from a CA the silos do not know.
        var now = DateTimeOffset.UtcNow;
        using var stranger = DevCertificates.CreateAuthority("Another CA", now);
        using var client = DevCertificates.CreateClient(stranger, "stranger", now);
        var other = Path.Combine(_folder.Path, "other");
        PemFiles.CreateDirectory(other);
        PemFiles.Write(Path.Combine(other, "client.pem"), client.ExportCertificatePem() + "\n", false);
        using var key = client.GetECDsaPrivateKey()!;
        PemFiles.Write(Path.Combine(other, "client.key"), key.ExportPkcs8PrivateKeyPem() + "\n", false);
        StrangerArguments = ["--tls-ca", Files.Path(DevSetup.CaFile), "--tls-cert", Path.Combine(other, "client.pem"), "--tls-key", Path.Combine(other, "client.key")];
    }

    public DevSetupResult Files { get; }

    public IReadOnlyList<string> SiloArguments => Files.SiloArguments;

    /// <summary>The CLI's TLS options with the development client certificate.</summary>
    public IReadOnlyList<string> ClientArguments => Files.ClientArguments;

    /// <summary>The CLI's TLS options with a client certificate signed by another CA.</summary>
    public IReadOnlyList<string> StrangerArguments { get; }

    public ClientTls ClientTls => new(Files.Path(DevSetup.CaFile), Files.Path(DevSetup.ClientCertFile), Files.Path(DevSetup.ClientKeyFile));

    public string Token(params string[] roles) => Token(new TokenRequest(roles));

    public string Token(TokenRequest request, DateTimeOffset? issuedAt = null)
    {
        using var issuer = TokenIssuer.FromPemFile(Files.Path(DevSetup.SigningKeyFile), issuedAt is null ? null : new FixedClock(issuedAt.Value));
        return issuer.Issue(request).Token;
    }

    /// <summary>A reader's token with "admin" written over "reader" in its payload, and the signature left as it was.</summary>
    public static string RaiseToAdmin(string token)
    {
        var parts = token.Split('.');
        var payload = System.Text.Encoding.UTF8.GetString(Microsoft.IdentityModel.Tokens.Base64UrlEncoder.DecodeBytes(parts[1]));
        Assert.Contains("\"reader\"", payload);
        var raised = Microsoft.IdentityModel.Tokens.Base64UrlEncoder.Encode(payload.Replace("\"reader\"", "\"admin\"", StringComparison.Ordinal));
        return $"{parts[0]}.{raised}.{parts[2]}";
    }

    /// <summary>
    /// The kinds of bad token the trust boundary refuses, each with how the refusal starts; <paramref name="missing"/> is
    /// what a call without a token is told (the grain API and the HTTP API word it differently).
    /// </summary>
    public static TheoryData<string, string> BadTokenKinds(string missing) => new()
    {
        { "missing", missing },
        { "expired", "unauthenticated: the token is refused (expired)" },
        { "tampered", "unauthenticated: the token is refused (bad signature)" },
        { "wrong issuer", "unauthenticated: the token is refused (wrong issuer)" },
        { "wrong audience", "unauthenticated: the token is refused (wrong audience)" },
        { "not a token", "unauthenticated: the token is refused (malformed)" },
    };

    /// <summary>A token of one of the <see cref="BadTokenKinds"/>, each otherwise an admin's; null for "missing".</summary>
    public string? BadToken(string kind) => kind switch
    {
        "missing" => null,
        // Valid for an hour, two hours ago: past the 30 s of clock skew.
        "expired" => Token(new TokenRequest([Roles.Admin]), DateTimeOffset.UtcNow.AddHours(-2)),
        "tampered" => RaiseToAdmin(Token(Roles.Reader)),
        "wrong issuer" => Token(new TokenRequest([Roles.Admin]) { Issuer = "someone-else" }),
        "wrong audience" => Token(new TokenRequest([Roles.Admin]) { Audience = "another-service" }),
        "not a token" => "not-a-token",
        _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, "not a kind of bad token"),
    };

    public void Dispose() => _folder.Dispose();

    private sealed class FixedClock(DateTimeOffset now) : TimeProvider
    {
        public override DateTimeOffset GetUtcNow() => now;
    }
}
