using System.CommandLine;
using System.CommandLine.Parsing;
using Unlearning.Client.Security;

namespace Unlearning.Cli;

/// <summary>The options every command accepts.</summary>
internal sealed class GlobalOptions
{
    /// <summary>The environment variable that gives the connection string when neither --postgres nor --gateway is given.</summary>
    public const string PostgresVariable = "UNLEARNING_POSTGRES";

    /// <summary>The environment variable that gives the token when neither --token nor --token-file is given.</summary>
    public const string TokenVariable = "UNLEARNING_TOKEN";

    public GlobalOptions()
    {
        Postgres.Validators.Add(result =>
        {
            if (result.GetResult(Gateway) is { Implicit: false })
                result.AddError("--postgres and --gateway both say where the cluster is: give one of them");
        });
        TokenFile.Validators.Add(result =>
        {
            if (result.GetResult(Token) is not null)
                result.AddError("--token and --token-file both give the token: give one of them");
        });
    }

    public Option<GatewayAddress> Gateway { get; } = new("--gateway")
    {
        Description = "The cluster gateway to connect to",
        HelpName = "HOST:PORT",
        Recursive = true,
        DefaultValueFactory = _ => GatewayAddress.Default,
        CustomParser = ParseGateway,
    };

    public Option<string?> Postgres { get; } = new("--postgres")
    {
        Description = "Find the gateways in the cluster's PostgreSQL membership table, given an Npgsql connection string " +
            $"(default: ${PostgresVariable}, unless --gateway is given)",
        HelpName = "CONNECTION-STRING",
        Recursive = true,
        CustomParser = ParsePostgres,
    };

    public Option<bool> Json { get; } = new("--json")
    {
        Description = "Write machine-readable JSON to stdout and nothing else",
        Recursive = true,
    };

    public Option<TimeSpan?> Timeout { get; } = new("--timeout")
    {
        Description = "Give up after this long, e.g. 30s, 10m, 2h (default: per command, from 1m for status to 1d for train)",
        HelpName = "DURATION",
        Recursive = true,
        CustomParser = result =>
        {
            var text = result.Tokens.Single().Value;
            if (Durations.TryParse(text, CommandTimeouts.Max, "a timeout", out var timeout, out var problem)) return timeout;
            result.AddError($"--timeout: {problem}");
            return null;
        },
    };

    public Option<string> ClusterId { get; } = new("--cluster-id")
    {
        Description = "The Orleans cluster id",
        Recursive = true,
        DefaultValueFactory = _ => ClusterIdentity.DefaultClusterId,
    };

    public Option<string?> TlsCa { get; } = File("--tls-ca", "Use mutual TLS: the PEM certificate of the CA the silos' certificates chain to (with --tls-cert and --tls-key)");

    public Option<string?> TlsCert { get; } = File("--tls-cert", "This client's PEM certificate, signed by the cluster's CA");

    public Option<string?> TlsKey { get; } = File("--tls-key", "The PEM private key of --tls-cert");

    public Option<string?> Token { get; } = new("--token")
    {
        Description = $"The token (JWT) every call carries, for a cluster that checks callers (default: --token-file, else ${TokenVariable})",
        HelpName = "TOKEN",
        Recursive = true,
    };

    public Option<string?> TokenFile { get; } = File("--token-file", "A file holding the token (its first line)");

    public void AddTo(RootCommand root)
    {
        root.Add(Gateway);
        root.Add(Postgres);
        root.Add(Json);
        root.Add(ClusterId);
        root.Add(Timeout);
        root.Add(TlsCa);
        root.Add(TlsCert);
        root.Add(TlsKey);
        root.Add(Token);
        root.Add(TokenFile);
    }

    private static Option<string?> File(string name, string description) => new(name)
    {
        Description = description,
        HelpName = "FILE",
        Recursive = true,
    };

    /// <summary>
    /// The client's credentials: TLS files (all three, or none) and the token from --token, --token-file or
    /// $UNLEARNING_TOKEN. Null, with <paramref name="error"/>, when they do not fit together or the token file cannot be read.
    /// </summary>
    public ClientSecurity? Security(ParseResult parse, Func<string, string?> environment, out string? error)
    {
        error = null;
        string?[] tls = [parse.GetValue(TlsCa), parse.GetValue(TlsCert), parse.GetValue(TlsKey)];
        if (tls.Any(f => f is not null) && tls.Any(string.IsNullOrWhiteSpace))
        {
            error = "--tls-ca, --tls-cert and --tls-key go together: give all three";
            return null;
        }

        var token = parse.GetValue(Token);
        if (parse.GetValue(TokenFile) is { } file)
        {
            try
            {
                token = System.IO.File.ReadLines(file).FirstOrDefault();
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                error = $"--token-file: cannot read {file}: {e.Message}";
                return null;
            }
            if (string.IsNullOrWhiteSpace(token))
            {
                error = $"--token-file: {file} holds no token";
                return null;
            }
        }
        token ??= environment(TokenVariable);
        token = string.IsNullOrWhiteSpace(token) ? null : token.Trim();
        if (token is not null && token.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase))
            token = token["Bearer ".Length..].Trim();
        return new ClientSecurity(tls[0] is null ? null : new ClientTls(tls[0]!, tls[1]!, tls[2]!), token);
    }

    /// <summary>
    /// Where the cluster is: --postgres; else --gateway when given; else $UNLEARNING_POSTGRES when set; else the
    /// default gateway. Null, with <paramref name="error"/>, when the environment variable holds no usable connection string.
    /// </summary>
    public ClusterTarget? Target(ParseResult parse, Func<string, string?> environment, out string? error)
    {
        if (Security(parse, environment, out error) is not { } security) return null;
        var clusterId = parse.GetRequiredValue(ClusterId);
        var postgres = parse.GetValue(Postgres);
        if (postgres is null && parse.GetResult(Gateway) is not { Implicit: false })
        {
            var variable = environment(PostgresVariable);
            if (!string.IsNullOrWhiteSpace(variable))
            {
                if (PostgresConnectionString.Problem(variable) is { } problem)
                {
                    error = $"{PostgresVariable} is not a usable connection string: {problem}";
                    return null;
                }
                postgres = variable;
            }
        }

        return postgres is null
            ? new ClusterTarget(clusterId, Gateway: parse.GetRequiredValue(Gateway), Security: security)
            : new ClusterTarget(clusterId, Postgres: postgres, Security: security);
    }

    private static GatewayAddress? ParseGateway(ArgumentResult result)
    {
        var text = result.Tokens.Single().Value;
        if (!GatewayAddress.TryParse(text, out var address))
        {
            result.AddError($"--gateway must be HOST:PORT with a port from 1 to 65535, not '{text}'");
        }

        return address;
    }

    // The value is a secret: errors say what is wrong with it, never what it is.
    private static string? ParsePostgres(ArgumentResult result)
    {
        var text = result.Tokens.Single().Value;
        if (PostgresConnectionString.Problem(text) is { } problem)
        {
            result.AddError($"--postgres is not a usable connection string: {problem}");
        }

        return text;
    }
}
