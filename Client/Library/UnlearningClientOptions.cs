using Unlearning.Client.Security;

namespace Unlearning.Client;

/// <summary>
/// Where the cluster is and how to prove who is calling: what <c>AddUnlearningClient</c> configures. The same settings
/// as the <c>unlearn</c> command line's global options.
/// </summary>
public sealed class UnlearningClientOptions
{
    /// <summary>
    /// Gateways as <c>HOST:PORT</c> (an IPv6 host in brackets: <c>[::1]:30000</c>); host names are resolved again whenever
    /// the client refreshes its gateway list. Leave empty with <see cref="PostgresConnectionString"/>; with neither,
    /// <c>localhost:30000</c>.
    /// </summary>
    public List<string> Gateways { get; set; } = [];

    /// <summary>Find the gateways in the cluster's PostgreSQL membership table instead of <see cref="Gateways"/> (an Npgsql connection string).</summary>
    public string? PostgresConnectionString { get; set; }

    /// <summary>The Orleans cluster id (default <c>unlearning</c>).</summary>
    public string ClusterId { get; set; } = ClusterIdentity.DefaultClusterId;

    /// <summary>Mutual TLS: the CA the silos' certificates chain to, this client's certificate and key (PEM files). Null: plain TCP.</summary>
    public ClientTls? Tls { get; set; }

    /// <summary>The token (JWT) every call carries, for a cluster that checks callers. Ignored when <see cref="TokenProvider"/> is set.</summary>
    public string? Token { get; set; }

    /// <summary>
    /// Called on every call for the token it carries (say, one an identity provider refreshes before it expires); it must
    /// return at once, from a cache. Null: <see cref="Token"/>.
    /// </summary>
    public Func<string?>? TokenProvider { get; set; }

    /// <summary>How reads ride out a silo's death and how long calls are watched.</summary>
    public UnlearningResilienceOptions Resilience { get; set; } = new();

    /// <summary>The gateways this options instance names, parsed; a clear error when one is not HOST:PORT, or both ways to find the cluster are given.</summary>
    internal IReadOnlyList<GatewayAddress> GatewayAddresses()
    {
        if (!string.IsNullOrWhiteSpace(PostgresConnectionString))
        {
            if (Gateways.Count > 0)
                throw new ArgumentException("Gateways and PostgresConnectionString both say where the cluster is: give one of them");
            return [];
        }

        if (Gateways.Count == 0) return [GatewayAddress.Default];
        return [.. Gateways.Select(text => GatewayAddress.TryParse(text, out var address)
            ? address
            : throw new ArgumentException($"gateway {Quoted.Value(text)} is not HOST:PORT with a port from 1 to 65535"))];
    }

    /// <summary>Checks every setting; the error names the one that is wrong (never a secret's value).</summary>
    internal void Validate()
    {
        GatewayAddresses();
        if (PostgresConnectionString is { } postgres && !string.IsNullOrWhiteSpace(postgres)
            && Client.PostgresConnectionString.Problem(postgres) is { } problem)
        {
            throw new ArgumentException($"PostgresConnectionString is not a usable connection string: {problem}");
        }

        if (string.IsNullOrWhiteSpace(ClusterId)) throw new ArgumentException("ClusterId must not be empty");
        Resilience.Validate();
    }

    /// <summary>The token for the next call: <see cref="TokenProvider"/>'s, else <see cref="Token"/>.</summary>
    internal Func<string?>? Tokens() => TokenProvider ?? (string.IsNullOrWhiteSpace(Token) ? null : () => Token);
}
