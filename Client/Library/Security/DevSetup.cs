using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace Unlearning.Client.Security;

/// <summary>
/// A development cluster's credentials in one folder: a CA certificate, a silo and a client certificate with
/// their keys, and a token signing key pair. The CA's private key is never written: re-issuing means running
/// again with overwrite, which replaces every file.
/// </summary>
public static class DevSetup
{
    /// <summary>The CA certificate that silos and clients trust.</summary>
    public const string CaFile = "ca.pem";
    /// <summary>The silo certificate.</summary>
    public const string SiloCertFile = "silo.pem";
    /// <summary>The silo certificate's private key.</summary>
    public const string SiloKeyFile = "silo.key";
    /// <summary>The client certificate.</summary>
    public const string ClientCertFile = "client.pem";
    /// <summary>The client certificate's private key.</summary>
    public const string ClientKeyFile = "client.key";
    /// <summary>The token signing key: kept with whoever mints tokens, never on a silo.</summary>
    public const string SigningKeyFile = "signing.key";
    /// <summary>The token signing key's public key, for silos.</summary>
    public const string SigningPublicKeyFile = "signing.pub.pem";

    /// <summary>The silo certificate's common name.</summary>
    public const string SiloCommonName = "unlearning-silo";
    /// <summary>The client certificate's common name.</summary>
    public const string ClientCommonName = "unlearning-client";

    /// <summary>Every file the folder gets.</summary>
    public static IReadOnlyList<string> FileNames { get; } =
        [CaFile, SiloCertFile, SiloKeyFile, ClientCertFile, ClientKeyFile, SigningKeyFile, SigningPublicKeyFile];

    /// <summary>
    /// Writes every file into <paramref name="directory"/>; the silo certificate is valid for
    /// <see cref="DevCertificates.LocalNames"/> and <paramref name="extraNames"/>. Without
    /// <paramref name="overwrite"/> nothing is written when any of the files exists.
    /// </summary>
    public static DevSetupResult Write(string directory, bool overwrite, IEnumerable<string>? extraNames = null, TimeProvider? time = null)
    {
        directory = Path.GetFullPath(directory);
        if (!overwrite && Directory.Exists(directory))
        {
            var existing = FileNames.Where(name => Exists(Path.Combine(directory, name))).ToList();
            if (existing.Count > 0)
                throw new IOException($"{directory} already has {string.Join(", ", existing)}: pass --force to re-issue every file");
        }

        var now = (time ?? TimeProvider.System).GetUtcNow();
        var names = DevCertificates.Distinct([.. DevCertificates.LocalNames(), .. extraNames ?? []]);
        // Dated, so that certificates of an earlier run are told apart from this one's in error messages.
        using var authority = DevCertificates.CreateAuthority($"Unlearning development CA {now:yyyy-MM-dd'T'HH:mm:ss'Z'}", now);
        using var silo = DevCertificates.CreateSilo(authority, SiloCommonName, names, now);
        using var client = DevCertificates.CreateClient(authority, ClientCommonName, now);
        using var signing = ECDsa.Create(ECCurve.NamedCurves.nistP256);

        PemFiles.CreateDirectory(directory);
        var result = new DevSetupResult(directory, names, silo.NotAfter.ToUniversalTime());
        PemFiles.Write(result.Path(CaFile), authority.ExportCertificatePem() + "\n", overwrite);
        PemFiles.Write(result.Path(SiloCertFile), silo.ExportCertificatePem() + "\n", overwrite);
        PemFiles.Write(result.Path(SiloKeyFile), PrivateKeyPem(silo), overwrite);
        PemFiles.Write(result.Path(ClientCertFile), client.ExportCertificatePem() + "\n", overwrite);
        PemFiles.Write(result.Path(ClientKeyFile), PrivateKeyPem(client), overwrite);
        PemFiles.Write(result.Path(SigningKeyFile), signing.ExportPkcs8PrivateKeyPem() + "\n", overwrite);
        PemFiles.Write(result.Path(SigningPublicKeyFile), signing.ExportSubjectPublicKeyInfoPem() + "\n", overwrite);
        return result;
    }

    private static bool Exists(string path) => File.Exists(path) || Directory.Exists(path) || new FileInfo(path).LinkTarget is not null;

    private static string PrivateKeyPem(X509Certificate2 certificate)
    {
        using var key = certificate.GetECDsaPrivateKey() ?? throw new InvalidOperationException("the certificate has no ECDSA private key");
        return key.ExportPkcs8PrivateKeyPem() + "\n";
    }
}

/// <summary>Where <see cref="DevSetup.Write"/> put the files, and the options that use them.</summary>
public sealed record DevSetupResult(string Directory, IReadOnlyList<string> SiloNames, DateTime ExpiresUtc)
{
    /// <summary>The full path of <paramref name="file"/> in the folder.</summary>
    public string Path(string file) => System.IO.Path.Combine(Directory, file);

    /// <summary>The silo's command-line options: its certificate and key, the CA its peers and clients chain to, the token key.</summary>
    public IReadOnlyList<string> SiloArguments =>
    [
        "--tls-cert", Path(DevSetup.SiloCertFile), "--tls-key", Path(DevSetup.SiloKeyFile),
        "--tls-ca", Path(DevSetup.CaFile), "--auth-public-key", Path(DevSetup.SigningPublicKeyFile),
    ];

    /// <summary>A client's command-line options: the CA the silos chain to, its certificate and key.</summary>
    public IReadOnlyList<string> ClientArguments =>
    [
        "--tls-ca", Path(DevSetup.CaFile), "--tls-cert", Path(DevSetup.ClientCertFile), "--tls-key", Path(DevSetup.ClientKeyFile),
    ];
}
