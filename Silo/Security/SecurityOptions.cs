namespace Unlearning.Silo.Security;

/// <summary>
/// Transport security and caller authentication, bound from the "Security" configuration section. Either
/// <see cref="Insecure"/>, or mutual TLS (<see cref="TlsCert"/>, <see cref="TlsKey"/>, <see cref="TlsCa"/>) with
/// tokens checked against <see cref="AuthPublicKey"/> or <see cref="Jwks"/>.
/// </summary>
public sealed class SecurityOptions
{
    public const string Section = "Security";

    /// <summary>PEM certificate this silo presents to peers and clients (serverAuth and clientAuth).</summary>
    public string? TlsCert { get; set; }

    /// <summary>PEM private key of <see cref="TlsCert"/>.</summary>
    public string? TlsKey { get; set; }

    /// <summary>PEM certificate of the CA that peers' and clients' certificates must chain to.</summary>
    public string? TlsCa { get; set; }

    /// <summary>PEM public key (SubjectPublicKeyInfo, ECDSA P-256 or RSA) that signs callers' tokens.</summary>
    public string? AuthPublicKey { get; set; }

    /// <summary>A JWKS JSON file of the keys that sign callers' tokens; the alternative to <see cref="AuthPublicKey"/>.</summary>
    public string? Jwks { get; set; }

    public string Issuer { get; set; } = TokenDefaults.Issuer;

    public string Audience { get; set; } = TokenDefaults.Audience;

    /// <summary>How far token times may be off between the issuer's clock and this silo's.</summary>
    public TimeSpan ClockSkew { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>No TLS and no caller authentication: for a cluster on one trusted machine only.</summary>
    public bool Insecure { get; set; }

    /// <summary>Command-line switches of this section.</summary>
    public static readonly Dictionary<string, string> SwitchMappings = new()
    {
        ["--tls-cert"] = $"{Section}:{nameof(TlsCert)}",
        ["--tls-key"] = $"{Section}:{nameof(TlsKey)}",
        ["--tls-ca"] = $"{Section}:{nameof(TlsCa)}",
        ["--auth-public-key"] = $"{Section}:{nameof(AuthPublicKey)}",
        ["--jwks"] = $"{Section}:{nameof(Jwks)}",
    };

    /// <summary>Command-line flags (no value), rewritten to settings before the configuration reads the command line.</summary>
    public static readonly Dictionary<string, string> Flags = new()
    {
        ["--insecure"] = $"--{Section}:{nameof(Insecure)}=true",
    };

    /// <summary>Whether the silo runs with TLS and tokens: settings given, and not --insecure (which refuses them anyway).</summary>
    public bool IsSecure => AnySecuritySetting && !Insecure;

    /// <summary>Whether any TLS or token setting is given.</summary>
    public bool AnySecuritySetting => new[] { TlsCert, TlsKey, TlsCa, AuthPublicKey, Jwks }.Any(s => !string.IsNullOrWhiteSpace(s));

    /// <summary>
    /// Checks that the options say one consistent thing: insecure with nothing else, or all of the TLS files and
    /// exactly one token key source, each an existing file. Messages name settings and paths, never contents.
    /// </summary>
    public SecurityOptions Validated()
    {
        if (Insecure)
        {
            if (AnySecuritySetting)
                throw new InvalidOperationException($"{Section}:{nameof(Insecure)} (--insecure) conflicts with the TLS and token settings given: drop one or the other");
            return this;
        }

        var missing = new List<string>();
        if (string.IsNullOrWhiteSpace(TlsCert)) missing.Add("--tls-cert");
        if (string.IsNullOrWhiteSpace(TlsKey)) missing.Add("--tls-key");
        if (string.IsNullOrWhiteSpace(TlsCa)) missing.Add("--tls-ca");
        var keySources = (string.IsNullOrWhiteSpace(AuthPublicKey) ? 0 : 1) + (string.IsNullOrWhiteSpace(Jwks) ? 0 : 1);
        if (keySources == 0) missing.Add("--auth-public-key (or --jwks)");
        if (missing.Count > 0)
        {
            throw new InvalidOperationException($"security settings missing: {string.Join(", ", missing)}; " +
                "`unlearn dev-setup DIR` makes a development set, or pass --insecure for a single trusted machine");
        }

        if (keySources > 1)
            throw new InvalidOperationException($"give the token key once: {Section}:{nameof(AuthPublicKey)} (--auth-public-key) or {Section}:{nameof(Jwks)} (--jwks), not both");
        foreach (var (name, path) in new[] { ("--tls-cert", TlsCert), ("--tls-key", TlsKey), ("--tls-ca", TlsCa), ("--auth-public-key", AuthPublicKey), ("--jwks", Jwks) })
        {
            if (!string.IsNullOrWhiteSpace(path) && !File.Exists(path))
                throw new InvalidOperationException($"{name}: no file {path}");
        }
        if (string.IsNullOrWhiteSpace(Issuer) || string.IsNullOrWhiteSpace(Audience))
            throw new InvalidOperationException($"{Section}:{nameof(Issuer)} and {Section}:{nameof(Audience)} must not be empty");
        if (ClockSkew < TimeSpan.Zero || ClockSkew > TimeSpan.FromMinutes(5))
            throw new InvalidOperationException($"{Section}:{nameof(ClockSkew)} must be from 0 to 5 minutes");
        return this;
    }

    /// <summary>One line for the start-up banner, without secrets.</summary>
    public string Describe() => Insecure
        ? "insecure: no TLS, callers are not authenticated"
        : $"mutual TLS with CA {TlsCa}; tokens from issuer '{Issuer}' for audience '{Audience}', keys from {AuthPublicKey ?? Jwks}";
}
