using System.CommandLine;
using System.CommandLine.Parsing;

namespace Unlearning.Client;

/// <summary>The options every command accepts.</summary>
internal sealed class GlobalOptions
{
    public Option<GatewayAddress> Gateway { get; } = new("--gateway")
    {
        Description = "The cluster gateway to connect to",
        HelpName = "HOST:PORT",
        Recursive = true,
        DefaultValueFactory = _ => GatewayAddress.Default,
        CustomParser = ParseGateway,
    };

    public Option<bool> Json { get; } = new("--json")
    {
        Description = "Write machine-readable JSON to stdout and nothing else",
        Recursive = true,
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
        root.Add(Json);
        root.Add(ClusterId);
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
}
