using System.Net;
using System.Net.NetworkInformation;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace Unlearning.Client.Security;

/// <summary>
/// A private certificate authority and its leaf certificates for development clusters, all on ECDSA P-256
/// keys: silos get serverAuth and clientAuth (they are also TLS clients of each other), clients clientAuth.
/// </summary>
public static class DevCertificates
{
    /// <summary>The extended key usage of a TLS server (silos).</summary>
    public const string ServerAuthOid = "1.3.6.1.5.5.7.3.1";
    /// <summary>The extended key usage of a TLS client (clients, and silos towards each other).</summary>
    public const string ClientAuthOid = "1.3.6.1.5.5.7.3.2";

    /// <summary>How long silo and client certificates are valid.</summary>
    public static readonly TimeSpan LeafValidity = TimeSpan.FromDays(365);

    // Another machine's clock a little behind ours must not see the certificates as not yet valid.
    private static readonly TimeSpan Backdate = TimeSpan.FromHours(1);

    /// <summary>A self-signed CA that may sign leaf certificates only (path length 0), with its private key.</summary>
    public static X509Certificate2 CreateAuthority(string commonName, DateTimeOffset now)
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest(Name(commonName), key, HashAlgorithmName.SHA256);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, true, 0, true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(
            X509KeyUsageFlags.KeyCertSign | X509KeyUsageFlags.CrlSign, true));
        var subjectKeyId = new X509SubjectKeyIdentifierExtension(request.PublicKey, false);
        request.CertificateExtensions.Add(subjectKeyId);
        request.CertificateExtensions.Add(X509AuthorityKeyIdentifierExtension.CreateFromSubjectKeyIdentifier(subjectKeyId));
        // The CA outlives its leaves by the backdating, so no leaf is ever valid under an expired CA.
        return request.CreateSelfSigned(now - 2 * Backdate, now + LeafValidity + Backdate);
    }

    /// <summary>A silo certificate for <paramref name="names"/> (host names and IP addresses), with its private key.</summary>
    public static X509Certificate2 CreateSilo(X509Certificate2 authority, string commonName, IEnumerable<string> names, DateTimeOffset now) =>
        CreateLeaf(authority, commonName, names, [ServerAuthOid, ClientAuthOid], now);

    /// <summary>A client certificate (clientAuth only), with its private key.</summary>
    public static X509Certificate2 CreateClient(X509Certificate2 authority, string commonName, DateTimeOffset now) =>
        CreateLeaf(authority, commonName, [], [ClientAuthOid], now);

    /// <summary>
    /// The names this machine is reached by without asking anyone: localhost, the loopback addresses, the host
    /// name (and with its domain, when one is set) and every interface's unicast addresses. Read from the local
    /// system only; no packet is sent.
    /// </summary>
    public static IReadOnlyList<string> LocalNames()
    {
        var names = new List<string> { "localhost", IPAddress.Loopback.ToString(), IPAddress.IPv6Loopback.ToString() };
        try
        {
            var host = Dns.GetHostName();
            if (!string.IsNullOrWhiteSpace(host))
            {
                names.Add(host);
                var domain = IPGlobalProperties.GetIPGlobalProperties().DomainName;
                if (!string.IsNullOrWhiteSpace(domain) && domain != "(none)" && !host.Contains('.', StringComparison.Ordinal))
                    names.Add($"{host}.{domain.TrimEnd('.')}");
            }
        }
        catch (Exception e) when (e is SocketException or NetworkInformationException or PlatformNotSupportedException)
        {
            // No host name: the loopback names still make a usable single-machine certificate.
        }

        try
        {
            foreach (var nic in NetworkInterface.GetAllNetworkInterfaces())
            {
                if (nic.OperationalStatus == OperationalStatus.Down)
                    continue;
                foreach (var unicast in nic.GetIPProperties().UnicastAddresses)
                {
                    // A certificate cannot name an IPv6 zone; the address bytes are what a TLS peer compares.
                    names.Add(new IPAddress(unicast.Address.GetAddressBytes()).ToString());
                }
            }
        }
        catch (Exception e) when (e is NetworkInformationException or PlatformNotSupportedException)
        {
        }

        // A host name a certificate cannot carry (e.g. with an underscore) is left out rather than failing the setup.
        return Distinct(names.Where(IsValidName));
    }

    /// <summary>Whether a certificate can name <paramref name="name"/>: an IP address, or a DNS name (a leading "*." allowed).</summary>
    public static bool IsValidName(string name)
    {
        if (IPAddress.TryParse(name, out _))
            return true;
        var host = (name.StartsWith("*.", StringComparison.Ordinal) ? name[2..] : name).TrimEnd('.');
        return host.Length is > 0 and <= 253 && host.Split('.').All(IsLabel);
    }

    // Letters, digits and inner hyphens (RFC 1123): what every TLS stack matches against.
    private static bool IsLabel(string label) =>
        label.Length is > 0 and <= 63 && label[0] != '-' && label[^1] != '-' && label.All(c => char.IsAsciiLetterOrDigit(c) || c == '-');

    /// <summary><paramref name="names"/> without repeats (host names compared ignoring case), in order.</summary>
    public static IReadOnlyList<string> Distinct(IEnumerable<string> names)
    {
        var seen = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        var result = new List<string>();
        foreach (var name in names)
        {
            var canonical = IPAddress.TryParse(name, out var address) ? address.ToString() : name.Trim();
            if (canonical.Length > 0 && seen.Add(canonical))
                result.Add(canonical);
        }
        return result;
    }

    private static X509Certificate2 CreateLeaf(X509Certificate2 authority, string commonName, IEnumerable<string> names,
        string[] usages, DateTimeOffset now)
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest(Name(commonName), key, HashAlgorithmName.SHA256);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(false, false, 0, true));
        // ECDHE key exchange signs with the key; it is never used for static key agreement or encipherment.
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.DigitalSignature, true));
        var ekus = new OidCollection();
        foreach (var usage in usages)
            ekus.Add(new Oid(usage));
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension(ekus, false));
        var alternative = new SubjectAlternativeNameBuilder();
        var any = false;
        foreach (var name in Distinct(names))
        {
            if (!IsValidName(name))
                throw new ArgumentException($"'{name}' is neither a host name nor an IP address", nameof(names));
            if (IPAddress.TryParse(name, out var address))
                alternative.AddIpAddress(address);
            else
                alternative.AddDnsName(name);
            any = true;
        }
        if (any)
            request.CertificateExtensions.Add(alternative.Build());
        request.CertificateExtensions.Add(new X509SubjectKeyIdentifierExtension(request.PublicKey, false));
        request.CertificateExtensions.Add(X509AuthorityKeyIdentifierExtension.CreateFromCertificate(authority, true, false));

        var serial = RandomNumberGenerator.GetBytes(16);
        serial[0] &= 0x7F; // a positive INTEGER
        using var certificate = request.Create(authority, now - Backdate, now + LeafValidity, serial);
        return certificate.CopyWithPrivateKey(key);
    }

    private static X500DistinguishedName Name(string commonName)
    {
        var builder = new X500DistinguishedNameBuilder();
        builder.AddCommonName(commonName);
        builder.AddOrganizationName("Unlearning (development)");
        return builder.Build();
    }
}
