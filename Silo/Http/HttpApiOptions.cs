using System.Net;
using Unlearning.Client.Csv;
using Unlearning.Silo.Security;

namespace Unlearning.Silo.Http;

/// <summary>The HTTP API the silo can serve for platforms not written in .NET; bound from the "Http" section. Off unless a port is given.</summary>
public sealed class HttpApiOptions
{
    public const string Section = "Http";

    /// <summary>The port; 0, the default, leaves the HTTP API off.</summary>
    public int Port { get; set; }

    /// <summary>
    /// The IP address to listen on ("0.0.0.0" or "::" for every interface, "localhost" for loopback); empty, the default,
    /// follows the silo: loopback when its address is, every interface otherwise. Anything but loopback needs TLS and
    /// tokens (or --insecure), like the silo's own ports.
    /// </summary>
    public string? Host { get; set; }

    /// <summary>The largest request body, in bytes; a larger one is refused with 413 before it is read. Bodies are held in memory.</summary>
    public long MaxBodyBytes { get; set; } = 32L * 1024 * 1024;

    /// <summary>The longest CSV field a body may have, in characters (the CLI's --max-field-length).</summary>
    public int MaxFieldLength { get; set; } = CsvLimits.DefaultMaxFieldLength;

    /// <summary>The longest CSV record a body may have, in characters (the CLI's --max-line-length).</summary>
    public int MaxLineLength { get; set; } = CsvLimits.DefaultMaxRecordLength;

    /// <summary>Requests each caller (a token's subject; without tokens, an IP address) may make per <see cref="RateWindow"/>; 0: no limit.</summary>
    public int RateLimit { get; set; } = 100;

    /// <summary>The window <see cref="RateLimit"/> counts in; a caller past its limit gets 429 until the window ends.</summary>
    public TimeSpan RateWindow { get; set; } = TimeSpan.FromSeconds(1);

    public bool Enabled => Port > 0;

    internal CsvLimits CsvLimits => CsvLimits.Default with { MaxFieldLength = MaxFieldLength, MaxRecordLength = MaxLineLength };

    public static readonly Dictionary<string, string> SwitchMappings = new()
    {
        ["--http-port"] = $"{Section}:{nameof(Port)}",
    };

    /// <summary>The address the API listens on: <see cref="Host"/>, or the silo's scope.</summary>
    public string ListenHost(SiloOptions silo) =>
        !string.IsNullOrWhiteSpace(Host) ? Host.Trim() : StartupSecurity.IsLoopback(silo.AdvertisedAddress) ? "127.0.0.1" : "0.0.0.0";

    /// <summary>The address an operator would use in a URL: the silo's advertised address when the API listens on every interface.</summary>
    public string UrlHost(SiloOptions silo)
    {
        var host = ListenHost(silo);
        if (host is "0.0.0.0" or "::") host = silo.AdvertisedAddress;
        return host.Contains(':') ? $"[{host}]" : host;
    }

    public HttpApiOptions Validated()
    {
        if (Port is < 0 or > 65535)
            throw new InvalidOperationException($"{Section}:{nameof(Port)} (--http-port) must be from 1 to 65535 (or 0: off), not {Port}");
        if (!Enabled)
            return this;
        if (!string.IsNullOrWhiteSpace(Host) && !string.Equals(Host.Trim(), "localhost", StringComparison.OrdinalIgnoreCase)
            && !IPAddress.TryParse(Host.Trim().Trim('[', ']'), out _))
        {
            throw new InvalidOperationException($"{Section}:{nameof(Host)} must be an IP address or localhost, not '{Host}'");
        }

        if (MaxBodyBytes is < 1024 or > int.MaxValue)
            throw new InvalidOperationException($"{Section}:{nameof(MaxBodyBytes)} must be from 1024 to {int.MaxValue}, not {MaxBodyBytes}");
        if (!CsvLimits.IsValid(MaxFieldLength) || !CsvLimits.IsValid(MaxLineLength))
            throw new InvalidOperationException($"{Section}:{nameof(MaxFieldLength)} and {Section}:{nameof(MaxLineLength)} must be from 1 to {CsvLimits.MaxLimit}");
        if (RateLimit < 0)
            throw new InvalidOperationException($"{Section}:{nameof(RateLimit)} must be 0 (no limit) or more, not {RateLimit}");
        if (RateWindow <= TimeSpan.Zero || RateWindow > TimeSpan.FromHours(1))
            throw new InvalidOperationException($"{Section}:{nameof(RateWindow)} must be more than 0 and at most an hour, not {RateWindow}");
        return this;
    }
}
