using System.Net;
using System.Security.Cryptography.X509Certificates;
using Microsoft.AspNetCore.Server.Kestrel.Core;

namespace Unlearning.Silo.Web;

/// <summary>
/// One address and port of the silo's web server (the dashboard's, the HTTP API's), HTTPS when it has a certificate.
/// Each listener answers with its own endpoints only (<see cref="ListenerGate"/>): a request to one port never reaches
/// another's endpoints, whatever its Host header says.
/// </summary>
public sealed record WebListener(string Name, string Host, int Port, X509Certificate2? Certificate = null)
{
    public bool Https => Certificate is not null;

    /// <summary>Binds it on <paramref name="kestrel"/>: "0.0.0.0" or "::" every interface, "localhost" loopback, else the IP address.</summary>
    public void Bind(KestrelServerOptions kestrel)
    {
        var host = Host.Trim().Trim('[', ']');
        Action<ListenOptions> configure = options =>
        {
            if (Certificate is not null) options.UseHttps(Certificate);
        };
        if (host is "0.0.0.0" or "::") kestrel.ListenAnyIP(Port, configure);
        else if (string.Equals(host, "localhost", StringComparison.OrdinalIgnoreCase)) kestrel.ListenLocalhost(Port, configure);
        else kestrel.Listen(IPAddress.Parse(host), Port, configure);
    }

    public override string ToString() => $"{Name} on {Host}:{Port}{(Https ? " (HTTPS)" : "")}";
}

/// <summary>Endpoint metadata: the port of the listener an endpoint answers on.</summary>
public sealed record ListenerPort(int Port);

/// <summary>Ties endpoints to their listener, and refuses them anywhere else.</summary>
public static class ListenerGate
{
    /// <summary>The endpoints of <paramref name="builder"/> answer on <paramref name="listener"/>'s port only.</summary>
    public static TBuilder OnListener<TBuilder>(this TBuilder builder, WebListener listener) where TBuilder : IEndpointConventionBuilder =>
        builder.WithMetadata(new ListenerPort(listener.Port));

    /// <summary>
    /// After routing: a request whose endpoint belongs to another listener, or to none (fail closed), is answered 404 as
    /// if the path did not exist. The port is the connection's local one, which a client cannot choose for another.
    /// Routing's own refusals (405 for a method, 415 for a Content-Type an endpoint does not take) have no metadata and
    /// do nothing but set their status: they pass.
    /// </summary>
    public static IApplicationBuilder UseListenerGate(this IApplicationBuilder app) => app.Use((context, next) =>
    {
        if (context.GetEndpoint() is { Metadata.Count: > 0 } endpoint
            && endpoint.Metadata.GetMetadata<ListenerPort>()?.Port != context.Connection.LocalPort)
        {
            context.SetEndpoint(null);
            context.Response.StatusCode = StatusCodes.Status404NotFound;
            return Task.CompletedTask;
        }
        return next(context);
    });
}
