using System.Security.Cryptography;

namespace Unlearning.Compliance;

/// <summary>
/// The cluster's receipt-signing key in one silo: ECDSA P-256, signatures over SHA-256 in DER (RFC 3279), base64.
/// </summary>
public sealed class SigningKey : IDisposable
{
    private const string P256Oid = "1.2.840.10045.3.1.7";

    private readonly ECDsa _key;
    private readonly Lock _signing = new();

    private SigningKey(ECDsa key)
    {
        _key = key;
        var spki = key.ExportSubjectPublicKeyInfo();
        Id = ReceiptDocument.KeyIdOf(spki);
        PublicPem = key.ExportSubjectPublicKeyInfoPem();
    }

    /// <summary>As receipts name it: <see cref="ReceiptDocument.KeyIdOf"/>.</summary>
    public string Id { get; }

    /// <summary>The public half, a PEM SubjectPublicKeyInfo.</summary>
    public string PublicPem { get; }

    public static SigningKey Generate() => new(ECDsa.Create(ECCurve.NamedCurves.nistP256));

    /// <summary>A PKCS#8 private key, as the cluster stores the key it drew.</summary>
    public static SigningKey FromPkcs8(byte[] pkcs8)
    {
        var key = ECDsa.Create();
        key.ImportPkcs8PrivateKey(pkcs8, out _);
        return Checked(key, "the stored signing key");
    }

    /// <summary>A PEM private key file (PKCS#8 "PRIVATE KEY" or SEC1 "EC PRIVATE KEY") on P-256. Errors name the file, never its contents.</summary>
    public static SigningKey FromPemFile(string path)
    {
        string pem;
        try
        {
            pem = File.ReadAllText(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new InvalidOperationException($"--receipt-signing-key: cannot read {path}: {e.Message}", e);
        }
        if (!pem.Contains("PRIVATE KEY", StringComparison.Ordinal))
            throw new InvalidOperationException($"--receipt-signing-key: {path} holds no PEM private key (ECDSA P-256, e.g. `openssl ecparam -name prime256v1 -genkey -noout | openssl pkcs8 -topk8 -nocrypt`)");
        var key = ECDsa.Create();
        try
        {
            key.ImportFromPem(pem);
        }
        catch (Exception e) when (e is ArgumentException or CryptographicException)
        {
            key.Dispose();
            throw new InvalidOperationException($"--receipt-signing-key: {path} is not an unencrypted ECDSA private key ({e.GetType().Name})", e);
        }
        return Checked(key, $"--receipt-signing-key: {path}");
    }

    public byte[] ExportPkcs8() => _key.ExportPkcs8PrivateKey();

    /// <summary>The id (<see cref="ReceiptDocument.KeyIdOf"/>) of a PEM public key.</summary>
    public static string IdOfPublicPem(string publicPem)
    {
        using var key = ECDsa.Create();
        key.ImportFromPem(publicPem);
        return ReceiptDocument.KeyIdOf(key.ExportSubjectPublicKeyInfo());
    }

    /// <summary>The DER signature of <paramref name="data"/>, base64.</summary>
    public string Sign(byte[] data)
    {
        lock (_signing) return Convert.ToBase64String(_key.SignData(data, HashAlgorithmName.SHA256, DSASignatureFormat.Rfc3279DerSequence));
    }

    public void Dispose() => _key.Dispose();

    /// <summary>Whether <paramref name="signature"/> (DER, base64) signs <paramref name="data"/> under the public key <paramref name="publicPem"/>.</summary>
    public static bool Verify(string publicPem, byte[] data, string signature)
    {
        using var key = ECDsa.Create();
        try
        {
            key.ImportFromPem(publicPem);
            return key.VerifyData(data, Convert.FromBase64String(signature), HashAlgorithmName.SHA256, DSASignatureFormat.Rfc3279DerSequence);
        }
        catch (Exception e) when (e is FormatException or ArgumentException or CryptographicException)
        {
            return false;
        }
    }

    private static SigningKey Checked(ECDsa key, string what)
    {
        try
        {
            var parameters = key.ExportParameters(includePrivateParameters: true);
            if (parameters.Curve.Oid?.Value != P256Oid && parameters.Curve.Oid?.FriendlyName is not ("nistP256" or "ECDSA_P256" or "secp256r1" or "prime256v1"))
                throw new InvalidOperationException($"{what} is on curve {parameters.Curve.Oid?.FriendlyName ?? "(unnamed)"}; receipts are signed with P-256 only");
            return new SigningKey(key);
        }
        catch (CryptographicException e)
        {
            key.Dispose();
            throw new InvalidOperationException($"{what} holds no private key ({e.GetType().Name})", e);
        }
        catch
        {
            key.Dispose();
            throw;
        }
    }
}
