using Orleans.Connections.Security;

namespace Unlearning.Client.Security;

/// <summary>
/// How a client proves itself to the cluster: mutual TLS (the CA the silos chain to, its own certificate and key) and
/// a token carried by every call. Either may be absent, for a cluster that does not ask for it.
/// </summary>
public sealed record ClientSecurity(ClientTls? Tls, string? Token)
{
    /// <summary>Plain TCP and no token: for a cluster that checks nobody.</summary>
    public static readonly ClientSecurity None = new(null, null);

    /// <summary>Configures <paramref name="client"/>: TLS on its gateway connections, the token on every grain call.</summary>
    public void ApplyTo(IClientBuilder client)
    {
        Tls?.ApplyTo(client);
        if (!string.IsNullOrWhiteSpace(Token))
            client.AddOutgoingGrainCallFilter(new TokenStamp(Token));
    }

    // Not the generated one, which would print the token.
    /// <summary>What is configured, never the token.</summary>
    public override string ToString() => $"{(Tls is null ? "plain TCP" : "TLS")}, {(Token is null ? "no token" : "a token")}";
}

/// <summary>The PEM files of a client's mutual TLS.</summary>
public sealed record ClientTls(string CaFile, string CertFile, string KeyFile)
{
    /// <summary>Configures <paramref name="client"/>'s gateway connections for mutual TLS; the files are read now.</summary>
    public void ApplyTo(IClientBuilder client)
    {
        // Read now: a missing or unreadable file fails the command before any connection is tried.
        var certificate = PeerCertificates.LoadPair(CertFile, KeyFile);
        var authority = PeerCertificates.FromPemFile(CaFile);
        client.UseTls(certificate, options =>
        {
            options.RemoteCertificateMode = RemoteCertificateMode.RequireCertificate;
            options.ClientCertificateMode = RemoteCertificateMode.RequireCertificate;
            // Gateways are silos: their certificates must chain to our CA and be meant for serving.
            options.RemoteCertificateValidation = (peer, chain, _) => authority.IsTrusted(peer, chain, DevCertificates.ServerAuthOid);
        });
    }
}

/// <summary>Puts the caller's token into the RequestContext of every call this client makes.</summary>
public sealed class TokenStamp(Func<string?> token) : IOutgoingGrainCallFilter
{
    /// <summary>The same token on every call.</summary>
    public TokenStamp(string token)
        : this(() => token)
    {
    }

    /// <inheritdoc />
    public Task Invoke(IOutgoingGrainCallContext context)
    {
        if (token() is { Length: > 0 } current) RequestContext.Set(TokenDefaults.RequestContextKey, current);
        return context.Invoke();
    }
}
