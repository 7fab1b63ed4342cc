using System.Security.Cryptography.X509Certificates;
using Unlearning.Client.Security;

namespace Unlearning.Tests.Security;

/// <summary>TLS peers are checked against the given CA only, and for the role they play.</summary>
public sealed class PeerCertificatesTests : IDisposable
{
    private readonly SecurityFixtures _fx = new();
    private readonly X509Certificate2 _ca;
    private readonly X509Certificate2 _otherCa;

    public PeerCertificatesTests()
    {
        var now = DateTimeOffset.UtcNow;
        _ca = DevCertificates.CreateAuthority("test CA", now);
        _otherCa = DevCertificates.CreateAuthority("other CA", now);
    }

    public void Dispose()
    {
        _ca.Dispose();
        _otherCa.Dispose();
        _fx.Dispose();
    }

    private PeerCertificates Trusting(X509Certificate2 ca) => PeerCertificates.FromPemFile(_fx.File($"{Guid.NewGuid():N}.pem", ca.ExportCertificatePem()));

    [Fact]
    public void A_silo_certificate_of_the_ca_is_trusted_for_serving_and_connecting()
    {
        using var peers = Trusting(_ca);
        using var silo = DevCertificates.CreateSilo(_ca, "silo", ["localhost"], DateTimeOffset.UtcNow);

        Assert.True(peers.IsTrusted(silo, null, DevCertificates.ServerAuthOid));
        Assert.True(peers.IsTrusted(silo, null, DevCertificates.ServerAuthOid, DevCertificates.ClientAuthOid));
    }

    [Fact]
    public void A_client_certificate_cannot_pass_for_a_silo()
    {
        using var peers = Trusting(_ca);
        using var client = DevCertificates.CreateClient(_ca, "client", DateTimeOffset.UtcNow);

        Assert.True(peers.IsTrusted(client, null, DevCertificates.ClientAuthOid));
        Assert.False(peers.IsTrusted(client, null, DevCertificates.ServerAuthOid));
        Assert.False(peers.IsTrusted(client, null, DevCertificates.ServerAuthOid, DevCertificates.ClientAuthOid));
    }

    [Fact]
    public void A_certificate_of_another_ca_is_refused_even_when_it_sends_its_ca_along()
    {
        using var peers = Trusting(_ca);
        using var stranger = DevCertificates.CreateClient(_otherCa, "stranger", DateTimeOffset.UtcNow);
        using var presented = new X509Chain();
        presented.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
        presented.ChainPolicy.CustomTrustStore.Add(_otherCa);
        presented.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
        Assert.True(presented.Build(stranger));

        Assert.False(peers.IsTrusted(stranger, presented, DevCertificates.ClientAuthOid));
    }

    [Fact]
    public void An_expired_certificate_is_refused()
    {
        var then = DateTimeOffset.UtcNow - DevCertificates.LeafValidity - TimeSpan.FromDays(2);
        using var oldCa = DevCertificates.CreateAuthority("old CA", then);
        using var peers = Trusting(oldCa);
        using var old = DevCertificates.CreateClient(oldCa, "old", then);

        Assert.False(peers.IsTrusted(old, null, DevCertificates.ClientAuthOid));
    }

    [Fact]
    public void A_file_without_a_certificate_is_refused_naming_the_file()
    {
        var empty = _fx.File("empty.pem", "nothing here");

        var error = Assert.Throws<InvalidOperationException>(() => PeerCertificates.FromPemFile(empty));
        Assert.Equal($"{empty} holds no PEM certificate", error.Message);
    }
}
