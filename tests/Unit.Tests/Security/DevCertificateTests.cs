using System.Net;
using System.Security.Cryptography.X509Certificates;
using Unlearning.Client.Security;

namespace Unlearning.Tests.Security;

/// <summary>dev-setup's files: a chain to the CA, the names and usages TLS checks, owner-only modes.</summary>
public sealed class DevCertificateTests : IDisposable
{
    private readonly string _root = Directory.CreateTempSubdirectory("unlearn-dev-").FullName;

    public void Dispose() => Directory.Delete(_root, recursive: true);

    private string Dir => Path.Combine(_root, "dev");

    [Fact]
    public void Silo_and_client_certificates_chain_to_the_ca()
    {
        var setup = DevSetup.Write(Dir, overwrite: false);
        using var ca = X509Certificate2.CreateFromPem(File.ReadAllText(setup.Path(DevSetup.CaFile)));

        foreach (var (file, usage) in new[] { (DevSetup.SiloCertFile, DevCertificates.ServerAuthOid), (DevSetup.ClientCertFile, DevCertificates.ClientAuthOid) })
        {
            using var leaf = X509Certificate2.CreateFromPem(File.ReadAllText(setup.Path(file)));
            using var chain = new X509Chain();
            chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
            chain.ChainPolicy.CustomTrustStore.Add(ca);
            chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
            chain.ChainPolicy.ApplicationPolicy.Add(new System.Security.Cryptography.Oid(usage));

            Assert.True(chain.Build(leaf), $"{file}: {string.Join("; ", chain.ChainStatus.Select(s => s.StatusInformation))}");
            Assert.Equal(2, chain.ChainElements.Count);
            Assert.Equal(ca.Thumbprint, chain.ChainElements[1].Certificate.Thumbprint);
        }
    }

    [Fact]
    public void A_certificate_from_another_ca_does_not_chain()
    {
        var setup = DevSetup.Write(Dir, overwrite: false);
        using var other = DevCertificates.CreateAuthority("other", DateTimeOffset.UtcNow);
        using var leaf = X509Certificate2.CreateFromPem(File.ReadAllText(setup.Path(DevSetup.SiloCertFile)));
        using var chain = new X509Chain();
        chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
        chain.ChainPolicy.CustomTrustStore.Add(X509CertificateLoader.LoadCertificate(other.RawData));
        chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;

        Assert.False(chain.Build(leaf));
    }

    [Fact]
    public void The_ca_may_sign_leaves_only_and_the_leaves_name_it()
    {
        var setup = DevSetup.Write(Dir, overwrite: false);
        using var ca = X509Certificate2.CreateFromPem(File.ReadAllText(setup.Path(DevSetup.CaFile)));
        using var silo = X509Certificate2.CreateFromPem(File.ReadAllText(setup.Path(DevSetup.SiloCertFile)));

        var constraints = Extension<X509BasicConstraintsExtension>(ca);
        Assert.True(constraints.Critical);
        Assert.True(constraints.CertificateAuthority);
        Assert.True(constraints.HasPathLengthConstraint);
        Assert.Equal(0, constraints.PathLengthConstraint);
        Assert.Equal(X509KeyUsageFlags.KeyCertSign | X509KeyUsageFlags.CrlSign, Extension<X509KeyUsageExtension>(ca).KeyUsages);

        Assert.False(Extension<X509BasicConstraintsExtension>(silo).CertificateAuthority);
        Assert.Equal(X509KeyUsageFlags.DigitalSignature, Extension<X509KeyUsageExtension>(silo).KeyUsages);
        Assert.Equal(Extension<X509SubjectKeyIdentifierExtension>(ca).SubjectKeyIdentifierBytes.ToArray(),
            Extension<X509AuthorityKeyIdentifierExtension>(silo).KeyIdentifier!.Value.ToArray());
        Assert.NotNull(Extension<X509SubjectKeyIdentifierExtension>(silo).SubjectKeyIdentifier);
        using (var key = silo.GetECDsaPublicKey()!)
            Assert.Equal("1.2.840.10045.3.1.7", key.ExportParameters(false).Curve.Oid.Value); // P-256
        Assert.InRange(silo.NotAfter - silo.NotBefore, TimeSpan.FromDays(365), TimeSpan.FromDays(366));
        Assert.True(ca.NotAfter >= silo.NotAfter && ca.NotBefore <= silo.NotBefore);
    }

    [Fact]
    public void Silo_certificate_names_this_machine_and_serves_both_tls_roles()
    {
        var setup = DevSetup.Write(Dir, overwrite: false, extraNames: ["silo-2.example", "10.1.2.3"]);
        using var silo = X509Certificate2.CreateFromPem(File.ReadAllText(setup.Path(DevSetup.SiloCertFile)));
        using var client = X509Certificate2.CreateFromPem(File.ReadAllText(setup.Path(DevSetup.ClientCertFile)));

        var san = Extension<X509SubjectAlternativeNameExtension>(silo);
        var dns = san.EnumerateDnsNames().ToList();
        var ips = san.EnumerateIPAddresses().ToList();
        Assert.Contains("localhost", dns);
        Assert.Contains(Dns.GetHostName(), dns);
        Assert.Contains("silo-2.example", dns);
        Assert.Contains(IPAddress.Loopback, ips);
        Assert.Contains(IPAddress.IPv6Loopback, ips);
        Assert.Contains(IPAddress.Parse("10.1.2.3"), ips);
        foreach (var address in DevCertificates.LocalNames().Select(n => IPAddress.TryParse(n, out var a) ? a : null).OfType<IPAddress>())
        {
            Assert.Contains(address, ips);
        }
        Assert.True(silo.MatchesHostname("localhost"));
        Assert.True(silo.MatchesHostname("127.0.0.1"));
        Assert.True(silo.MatchesHostname("::1"));

        Assert.Equal([DevCertificates.ServerAuthOid, DevCertificates.ClientAuthOid], Usages(silo));
        Assert.Equal([DevCertificates.ClientAuthOid], Usages(client));
        Assert.Null(client.Extensions.OfType<X509SubjectAlternativeNameExtension>().FirstOrDefault());
    }

    [Fact]
    public void Local_names_start_with_the_loopback_names_and_hold_no_repeats()
    {
        var names = DevCertificates.LocalNames();

        Assert.Equal(["localhost", "127.0.0.1", "::1"], names.Take(3));
        Assert.Equal(names.Count, names.Distinct(StringComparer.OrdinalIgnoreCase).Count());
        Assert.DoesNotContain(names, n => n.Contains('%'));
    }

    [Fact]
    public void Keys_load_back_with_their_certificates()
    {
        var setup = DevSetup.Write(Dir, overwrite: false);

        foreach (var (cert, key) in new[] { (DevSetup.SiloCertFile, DevSetup.SiloKeyFile), (DevSetup.ClientCertFile, DevSetup.ClientKeyFile) })
        {
            using var loaded = X509Certificate2.CreateFromPemFile(setup.Path(cert), setup.Path(key));
            Assert.True(loaded.HasPrivateKey);
            using var ecdsa = loaded.GetECDsaPrivateKey()!;
            var data = "proof"u8.ToArray();
            using var publicKey = loaded.GetECDsaPublicKey()!;
            Assert.True(publicKey.VerifyData(data, ecdsa.SignData(data, System.Security.Cryptography.HashAlgorithmName.SHA256),
                System.Security.Cryptography.HashAlgorithmName.SHA256));
        }
    }

    [Fact]
    public void Files_are_owner_only_and_the_ca_key_is_not_written()
    {
        var setup = DevSetup.Write(Dir, overwrite: false);

        Assert.Equal(DevSetup.FileNames.Order(), Directory.GetFiles(Dir).Select(Path.GetFileName).Order());
        Assert.All(Directory.GetFiles(Dir), file => Assert.DoesNotContain("ca.key", file));
        if (OperatingSystem.IsWindows())
            return;
        Assert.Equal(PemFiles.OwnerOnlyDirectory, File.GetUnixFileMode(setup.Directory));
        foreach (var file in DevSetup.FileNames)
        {
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(setup.Path(file)));
        }
    }

    [Fact]
    public void Refuses_to_overwrite_without_force_and_reissues_everything_with_it()
    {
        var first = DevSetup.Write(Dir, overwrite: false);
        var before = DevSetup.FileNames.ToDictionary(f => f, f => File.ReadAllText(first.Path(f)));

        var refused = Assert.Throws<IOException>(() => DevSetup.Write(Dir, overwrite: false));
        Assert.Contains("--force", refused.Message);
        Assert.Contains(DevSetup.CaFile, refused.Message);
        Assert.All(DevSetup.FileNames, f => Assert.Equal(before[f], File.ReadAllText(first.Path(f))));

        var second = DevSetup.Write(Dir, overwrite: true);
        Assert.All(DevSetup.FileNames, f => Assert.NotEqual(before[f], File.ReadAllText(second.Path(f))));
    }

    [Fact]
    public void Refuses_when_only_one_file_is_in_the_way()
    {
        Directory.CreateDirectory(Dir);
        File.WriteAllText(Path.Combine(Dir, DevSetup.SigningKeyFile), "mine");

        var refused = Assert.Throws<IOException>(() => DevSetup.Write(Dir, overwrite: false));

        Assert.Contains(DevSetup.SigningKeyFile, refused.Message);
        Assert.Equal([DevSetup.SigningKeyFile], Directory.GetFiles(Dir).Select(Path.GetFileName));
        Assert.Equal("mine", File.ReadAllText(Path.Combine(Dir, DevSetup.SigningKeyFile)));
    }

    [Fact]
    public void Force_replaces_a_wide_open_file_and_a_symbolic_link_with_owner_only_files()
    {
        if (OperatingSystem.IsWindows())
            return;
        Directory.CreateDirectory(Dir);
        var open = Path.Combine(Dir, DevSetup.SiloKeyFile);
        File.WriteAllText(open, "old");
        File.SetUnixFileMode(open, (UnixFileMode)0b110_110_110);
        var elsewhere = Path.Combine(_root, "elsewhere.txt");
        File.WriteAllText(elsewhere, "not a key");
        File.CreateSymbolicLink(Path.Combine(Dir, DevSetup.SigningKeyFile), elsewhere);

        var setup = DevSetup.Write(Dir, overwrite: true);

        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(open));
        Assert.Null(new FileInfo(setup.Path(DevSetup.SigningKeyFile)).LinkTarget);
        Assert.Equal("not a key", File.ReadAllText(elsewhere));
    }

    private static T Extension<T>(X509Certificate2 certificate) where T : X509Extension =>
        certificate.Extensions.OfType<T>().Single();

    private static string[] Usages(X509Certificate2 certificate) =>
        [.. Extension<X509EnhancedKeyUsageExtension>(certificate).EnhancedKeyUsages.Cast<System.Security.Cryptography.Oid>().Select(o => o.Value!)];
}
