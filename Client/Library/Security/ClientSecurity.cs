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

/// <summary>
/// Puts the caller's token into the RequestContext of every call this client makes: the token itself until the cluster
/// has answered a call that carried it, then its <see cref="TokenReference"/> (43 characters instead of a JWT's several
/// hundred, which every request and its response would carry). A silo that does not hold the reference (one this client
/// has not called yet, or one that restarted) refuses before any grain code runs, and the call goes again with the token.
/// </summary>
public sealed class TokenStamp(Func<string?> token) : IOutgoingGrainCallFilter
{
    // The token the cluster has answered, with its reference; replaced when the provider hands out another token.
    private Answered? _answered;

    /// <summary>The same token on every call.</summary>
    public TokenStamp(string token)
        : this(() => token)
    {
    }

    /// <inheritdoc />
    public async Task Invoke(IOutgoingGrainCallContext context)
    {
        if (token() is not { Length: > 0 } current)
        {
            await context.Invoke();
            return;
        }
        if (Volatile.Read(ref _answered) is { } answered && answered.Token == current)
        {
            RequestContext.Remove(TokenDefaults.RequestContextKey);
            RequestContext.Set(TokenDefaults.ReferenceContextKey, answered.Reference);
            try
            {
                await context.Invoke();
                return;
            }
            catch (UnknownTokenReferenceException)
            {
                // This silo has not seen the token (or has forgotten it): the same call again, with the token.
            }
        }
        RequestContext.Remove(TokenDefaults.ReferenceContextKey);
        RequestContext.Set(TokenDefaults.RequestContextKey, current);
        try
        {
            await context.Invoke();
        }
        catch (Exception error) when (error is not (UnauthenticatedException or UnknownTokenReferenceException))
        {
            // Not a refusal of the token (one for the role, a grain's error, a lost connection): later calls may send its
            // reference, which a silo that does not hold it answers by asking for the token.
            Remember(current);
            throw;
        }
        Remember(current);
    }

    // A token refused as unauthenticated is never remembered: it stays the one sent, so that each call says why.
    private void Remember(string current)
    {
        if (Volatile.Read(ref _answered)?.Token != current)
            Volatile.Write(ref _answered, new Answered(current, TokenReference.Of(current)));
    }

    // A class, not a record: a generated ToString would print the token.
    private sealed class Answered(string token, string reference)
    {
        public string Token { get; } = token;
        public string Reference { get; } = reference;
    }
}
