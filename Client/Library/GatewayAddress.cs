using System.Diagnostics.CodeAnalysis;
using System.Globalization;

namespace Unlearning.Client;

/// <summary>A gateway given as HOST:PORT (an IPv6 host in brackets: [::1]:30000).</summary>
internal sealed record GatewayAddress(string Host, int Port)
{
    public static readonly GatewayAddress Default = new("localhost", ClusterIdentity.DefaultGatewayPort);

    public static bool TryParse(string text, [NotNullWhen(true)] out GatewayAddress? address)
    {
        address = null;
        var colon = text.LastIndexOf(':');
        if (colon <= 0
            || !int.TryParse(text.AsSpan(colon + 1), NumberStyles.None, CultureInfo.InvariantCulture, out var port)
            || port is < 1 or > 65535)
        {
            return false;
        }

        var host = text[..colon];
        if (host.StartsWith('[') && host.EndsWith(']'))
        {
            host = host[1..^1];
        }
        else if (host.Contains(':'))
        {
            return false;
        }

        if (host.Length == 0 || host.Any(char.IsWhiteSpace))
        {
            return false;
        }

        address = new GatewayAddress(host, port);
        return true;
    }

    public override string ToString() => Host.Contains(':') ? $"[{Host}]:{Port}" : $"{Host}:{Port}";
}
