using System.Security.Cryptography;
using Microsoft.IdentityModel.Tokens;

namespace Unlearning.Silo.Security;

/// <summary>
/// The public keys callers' tokens are checked against: ECDSA P-256 (ES256) or RSA of at least 2048 bits (RS256),
/// from a SubjectPublicKeyInfo PEM file or a JWKS file. Private keys are refused: a silo never needs to sign.
/// </summary>
public static class SigningKeys
{
    private const string P256Oid = "1.2.840.10045.3.1.7";

    /// <summary>The keys named by <paramref name="options"/>: its <see cref="SecurityOptions.AuthPublicKey"/> or its <see cref="SecurityOptions.Jwks"/>.</summary>
    public static IReadOnlyList<SecurityKey> Load(SecurityOptions options)
    {
        if (!string.IsNullOrWhiteSpace(options.AuthPublicKey))
            return [FromPemFile(options.AuthPublicKey)];
        if (!string.IsNullOrWhiteSpace(options.Jwks))
            return FromJwksFile(options.Jwks);
        throw new InvalidOperationException($"no token key: set {SecurityOptions.Section}:{nameof(SecurityOptions.AuthPublicKey)} (--auth-public-key) or {SecurityOptions.Section}:{nameof(SecurityOptions.Jwks)} (--jwks)");
    }

    public static SecurityKey FromPemFile(string path) => Reading(path, () => FromPem(File.ReadAllText(path)));

    public static IReadOnlyList<SecurityKey> FromJwksFile(string path) => Reading(path, () => FromJwks(File.ReadAllText(path)));

    /// <summary>A "PUBLIC KEY" (SubjectPublicKeyInfo) or "RSA PUBLIC KEY" (PKCS#1) PEM; its key id is its RFC 7638 thumbprint.</summary>
    public static SecurityKey FromPem(string pem)
    {
        if (!PemEncoding.TryFind(pem, out var fields))
            throw new FormatException("no PEM block found; expected a PEM public key (signing.pub.pem)");
        var label = pem[fields.Label];
        if (label.Contains("PRIVATE KEY", StringComparison.Ordinal))
            throw new FormatException("this is a private key; give the public key (signing.pub.pem): a silo never needs the signing key");
        var der = Convert.FromBase64String(pem[fields.Base64Data]);
        SecurityKey key = label switch
        {
            "PUBLIC KEY" => (SecurityKey?)TryEcdsa(der) ?? Rsa(rsa => rsa.ImportSubjectPublicKeyInfo(der, out _)),
            "RSA PUBLIC KEY" => Rsa(rsa => rsa.ImportRSAPublicKey(der, out _)),
            _ => throw new FormatException($"the PEM block is a {label}, not a public key"),
        };
        key.KeyId = Base64UrlEncoder.Encode(key.ComputeJwkThumbprint());
        return key;
    }

    /// <summary>The signing keys of a JWKS document: "EC" keys on P-256 and "RSA" keys; keys for encryption ("use": "enc") are skipped.</summary>
    public static IReadOnlyList<SecurityKey> FromJwks(string json)
    {
        JsonWebKeySet set;
        try
        {
            set = new JsonWebKeySet(json);
        }
        catch (ArgumentException)
        {
            throw new FormatException("not a JWKS document (a JSON object with a \"keys\" array)");
        }

        var keys = new List<SecurityKey>();
        foreach (var jwk in set.Keys)
        {
            if (jwk.Use is { Length: > 0 } use && use != JsonWebKeyUseNames.Sig)
                continue;
            if (!string.IsNullOrEmpty(jwk.D) || !string.IsNullOrEmpty(jwk.P))
                throw new FormatException($"key '{jwk.Kid}' holds private key material; publish public keys only");
            SecurityKey? key = jwk.Kty switch
            {
                JsonWebAlgorithmsKeyTypes.EllipticCurve when jwk.Crv == JsonWebKeyECTypes.P256 => Ecdsa(e => e.ImportParameters(new ECParameters
                {
                    Curve = ECCurve.NamedCurves.nistP256,
                    Q = new ECPoint { X = Base64UrlEncoder.DecodeBytes(jwk.X), Y = Base64UrlEncoder.DecodeBytes(jwk.Y) },
                })),
                JsonWebAlgorithmsKeyTypes.RSA => Rsa(r => r.ImportParameters(new RSAParameters
                {
                    Modulus = Base64UrlEncoder.DecodeBytes(jwk.N),
                    Exponent = Base64UrlEncoder.DecodeBytes(jwk.E),
                })),
                _ => null,
            };
            if (key is null)
                continue;
            if (!string.IsNullOrEmpty(jwk.Alg) && jwk.Alg != AlgorithmFor(key))
                throw new FormatException($"key '{jwk.Kid}' is for {jwk.Alg}; only ES256 (P-256) and RS256 are accepted");
            key.KeyId = string.IsNullOrEmpty(jwk.Kid) ? Base64UrlEncoder.Encode(key.ComputeJwkThumbprint()) : jwk.Kid;
            keys.Add(key);
        }

        return keys.Count > 0 ? keys : throw new FormatException("the JWKS has no ES256 (P-256) or RS256 signing key");
    }

    /// <summary>ES256 for an ECDSA key, RS256 for an RSA key: each key verifies its one algorithm only.</summary>
    public static string AlgorithmFor(SecurityKey key) => key switch
    {
        ECDsaSecurityKey => SecurityAlgorithms.EcdsaSha256,
        RsaSecurityKey => SecurityAlgorithms.RsaSha256,
        _ => throw new ArgumentException($"unsupported key type {key.GetType().Name}", nameof(key)),
    };

    private static T Reading<T>(string path, Func<T> read)
    {
        try
        {
            return read();
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or FormatException or CryptographicException)
        {
            throw new InvalidOperationException($"token key {path}: {e.Message}", e);
        }
    }

    private static ECDsaSecurityKey? TryEcdsa(byte[] spki)
    {
        try
        {
            return Ecdsa(e => e.ImportSubjectPublicKeyInfo(spki, out _));
        }
        catch (CryptographicException)
        {
            return null;
        }
    }

    private static ECDsaSecurityKey Ecdsa(Action<ECDsa> import)
    {
        var key = ECDsa.Create();
        try
        {
            import(key);
            var curve = key.ExportParameters(false).Curve;
            if (curve.Oid?.Value != P256Oid && curve.Oid?.FriendlyName is not ("nistP256" or "ECDSA_P256" or "secp256r1" or "prime256v1"))
                throw new FormatException($"the ECDSA key is on curve {curve.Oid?.FriendlyName ?? curve.Oid?.Value ?? "(unnamed)"}; only P-256 (ES256) is accepted");
            return new ECDsaSecurityKey(key);
        }
        catch
        {
            key.Dispose();
            throw;
        }
    }

    private static RsaSecurityKey Rsa(Action<RSA> import)
    {
        var key = RSA.Create();
        try
        {
            import(key);
            if (key.KeySize < 2048)
                throw new FormatException($"the RSA key has {key.KeySize} bits; at least 2048 are needed");
            return new RsaSecurityKey(key);
        }
        catch
        {
            key.Dispose();
            throw;
        }
    }
}
