using System.Security.Cryptography.X509Certificates;

namespace Unlearning.Client.Security;

/// <summary>
/// Checks a TLS peer's certificate against one CA only (a custom trust store: the system's roots play no part), and
/// that it is meant for the role the peer plays: serverAuth for a silo a connection goes to, clientAuth for a client
/// or silo that connects. Host names are not compared: every certificate the CA issued with the right usage is
/// trusted, so the CA must be one issuing for this cluster alone.
/// </summary>
public sealed class PeerCertificates : IDisposable
{
    private readonly X509Certificate2Collection _authorities;

    private PeerCertificates(X509Certificate2Collection authorities) => _authorities = authorities;

    /// <summary>The CA certificates (PEM, one or more) of <paramref name="caFile"/>; messages name the file, never its content.</summary>
    public static PeerCertificates FromPemFile(string caFile)
    {
        var authorities = new X509Certificate2Collection();
        try
        {
            authorities.ImportFromPemFile(caFile);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or System.Security.Cryptography.CryptographicException)
        {
            throw new InvalidOperationException($"cannot read the CA certificate {caFile}: {e.Message}", e);
        }
        if (authorities.Count == 0)
            throw new InvalidOperationException($"{caFile} holds no PEM certificate");
        return new PeerCertificates(authorities);
    }

    /// <summary>A certificate and its private key from PEM files, usable by TLS on this platform.</summary>
    public static X509Certificate2 LoadPair(string certFile, string keyFile)
    {
        try
        {
            var loaded = X509Certificate2.CreateFromPemFile(certFile, keyFile);
            if (!OperatingSystem.IsWindows()) return loaded;
            // Windows' TLS wants a key it can find again: round-trip through PKCS#12.
            using (loaded)
                return X509CertificateLoader.LoadPkcs12(loaded.Export(X509ContentType.Pkcs12), null);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or System.Security.Cryptography.CryptographicException or ArgumentException)
        {
            throw new InvalidOperationException($"cannot load the certificate {certFile} with its key {keyFile}: {e.Message}", e);
        }
    }

    /// <summary>Whether <paramref name="certificate"/> chains to the CA and carries every one of <paramref name="usages"/> (EKU OIDs).</summary>
    public bool IsTrusted(X509Certificate2 certificate, X509Chain? presented, params string[] usages)
    {
        using var chain = new X509Chain();
        chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
        chain.ChainPolicy.CustomTrustStore.AddRange(_authorities);
        chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
        chain.ChainPolicy.VerificationFlags = X509VerificationFlags.NoFlag;
        chain.ChainPolicy.DisableCertificateDownloads = true;
        foreach (var usage in usages)
            chain.ChainPolicy.ApplicationPolicy.Add(new System.Security.Cryptography.Oid(usage));
        // Intermediates the peer sent may complete the chain; they are not trusted by being sent.
        if (presented is not null)
        {
            foreach (var element in presented.ChainElements)
            {
                if (!element.Certificate.RawDataMemory.Span.SequenceEqual(certificate.RawDataMemory.Span))
                    chain.ChainPolicy.ExtraStore.Add(element.Certificate);
            }
        }
        return chain.Build(certificate);
    }

    /// <summary>Disposes the authorities' certificates.</summary>
    public void Dispose()
    {
        foreach (var authority in _authorities) authority.Dispose();
    }
}
