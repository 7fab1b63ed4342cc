using System.CommandLine;
using System.CommandLine.Parsing;

namespace Unlearning.Cli;

/// <summary>The options every command accepts.</summary>
internal sealed class GlobalOptions
{
    /// <summary>The environment variable that gives the connection string when neither --postgres nor --gateway is given.</summary>
    public const string PostgresVariable = "UNLEARNING_POSTGRES";

    public GlobalOptions()
    {
        Postgres.Validators.Add(result =>
        {
            if (result.GetResult(Gateway) is { Implicit: false })
                result.AddError("--postgres and --gateway both say where the cluster is: give one of them");
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

    public void AddTo(RootCommand root)
    {
        root.Add(Gateway);
        root.Add(Postgres);
        root.Add(Json);
        root.Add(ClusterId);
        root.Add(Timeout);
    }

    /// <summary>
    /// Where the cluster is: --postgres; else --gateway when given; else $UNLEARNING_POSTGRES when set; else the
    /// default gateway. Null, with <paramref name="error"/>, when the environment variable holds no usable connection string.
    /// </summary>
    public ClusterTarget? Target(ParseResult parse, Func<string, string?> environment, out string? error)
    {
        error = null;
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
            ? new ClusterTarget(clusterId, Gateway: parse.GetRequiredValue(Gateway))
            : new ClusterTarget(clusterId, Postgres: postgres);
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
