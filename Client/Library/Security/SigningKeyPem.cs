using System.Security.Cryptography;

namespace Unlearning.Client.Security;

/// <summary>Reads a token signing private key from PEM: ECDSA on P-256, or RSA of at least 2048 bits.</summary>
internal static class SigningKeyPem
{
    private const string P256Oid = "1.2.840.10045.3.1.7";

    public static AsymmetricAlgorithm LoadPrivate(string pem)
    {
        if (!PemEncoding.TryFind(pem, out var fields))
            throw new FormatException("no PEM block found; expected a PEM private key (signing.key)");
        var label = pem[fields.Label];
        var der = Convert.FromBase64String(pem[fields.Base64Data]);
        try
        {
            return label switch
            {
                "PRIVATE KEY" => (AsymmetricAlgorithm?)TryEcdsa(der) ?? Rsa(r => r.ImportPkcs8PrivateKey(der, out _)),
                "EC PRIVATE KEY" => (AsymmetricAlgorithm)Ecdsa(e => e.ImportECPrivateKey(der, out _)),
                "RSA PRIVATE KEY" => Rsa(r => r.ImportRSAPrivateKey(der, out _)),
                "ENCRYPTED PRIVATE KEY" => throw new FormatException("the private key is encrypted; give an unencrypted PKCS#8 key"),
                _ => throw new FormatException($"the PEM block is a {label}, not a private key"),
            };
        }
        catch (CryptographicException)
        {
            throw new FormatException($"the {label} is neither an ECDSA nor an RSA key");
        }
        finally
        {
            CryptographicOperations.ZeroMemory(der);
        }
    }

    private static ECDsa? TryEcdsa(byte[] pkcs8)
    {
        try
        {
            return Ecdsa(e => e.ImportPkcs8PrivateKey(pkcs8, out _));
        }
        catch (CryptographicException)
        {
            return null;
        }
    }

    private static ECDsa Ecdsa(Action<ECDsa> import)
    {
        var key = ECDsa.Create();
        try
        {
            import(key);
            var curve = key.ExportParameters(false).Curve;
            if (curve.Oid?.Value != P256Oid && curve.Oid?.FriendlyName is not ("nistP256" or "ECDSA_P256" or "secp256r1" or "prime256v1"))
                throw new FormatException($"the ECDSA key is on curve {curve.Oid?.FriendlyName ?? curve.Oid?.Value ?? "(unnamed)"}; tokens are signed with P-256 (ES256) only");
            return key;
        }
        catch
        {
            key.Dispose();
            throw;
        }
    }

    private static RSA Rsa(Action<RSA> import)
    {
        var key = RSA.Create();
        try
        {
            import(key);
            if (key.KeySize < 2048)
                throw new FormatException($"the RSA key has {key.KeySize} bits; at least 2048 are needed");
            return key;
        }
        catch
        {
            key.Dispose();
            throw;
        }
    }
}
