using System.Net;
using System.Net.Http.Headers;
using System.Net.Security;
using System.Text;
using System.Text.Json;
using Unlearning.Client.Security;

namespace Unlearning.Tests.Http;

/// <summary>
/// HTTPS to a silo's HTTP API on 127.0.0.1, trusting the development CA alone (as a platform given ca.pem would), and
/// requests with or without a bearer token.
/// </summary>
public sealed class HttpApiClient : IDisposable
{
    private const string ServerAuth = "1.3.6.1.5.5.7.3.1";

    private readonly PeerCertificates _ca;
    private readonly HttpClient _http;
    private readonly int _port;

    public HttpApiClient(string caFile, int port)
    {
        _ca = PeerCertificates.FromPemFile(caFile);
        _port = port;
        var handler = new SocketsHttpHandler
        {
            SslOptions = new SslClientAuthenticationOptions
            {
                RemoteCertificateValidationCallback = IsTrustedServer,
            },
        };
        // HTTP/2, as curl and most clients negotiate over TLS; a request may ask for HTTP/1.1 (SendAsync).
        _http = new HttpClient(handler)
        {
            BaseAddress = new Uri($"https://127.0.0.1:{port}"),
            Timeout = TimeSpan.FromMinutes(3),
            DefaultRequestVersion = HttpVersion.Version20,
            DefaultVersionPolicy = HttpVersionPolicy.RequestVersionExact,
        };
    }

    public Task<HttpResponseMessage> GetAsync(string path, string? token = null) => SendAsync(HttpMethod.Get, path, token);

    public Task<HttpResponseMessage> PostJsonAsync(string path, string? token, string json) =>
        SendAsync(HttpMethod.Post, path, token, new StringContent(json, Encoding.UTF8, "application/json"));

    public Task<HttpResponseMessage> PostCsvAsync(string path, string? token, string csv) =>
        SendAsync(HttpMethod.Post, path, token, new StringContent(csv, Encoding.UTF8, "text/csv"));

    public Task<HttpResponseMessage> PostAsync(string path, string? token) => SendAsync(HttpMethod.Post, path, token);

    public async Task<HttpResponseMessage> SendAsync(HttpMethod method, string path, string? token, HttpContent? content = null)
    {
        // A request made here does not take the client's defaults (HTTP/1.1 otherwise).
        using var request = new HttpRequestMessage(method, path)
        {
            Content = content,
            Version = _http.DefaultRequestVersion,
            VersionPolicy = _http.DefaultVersionPolicy,
        };
        if (token is not null) request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        return await _http.SendAsync(request);
    }

    /// <summary>
    /// A POST over HTTP/1.1 that sends its headers only, declaring <paramref name="contentLength"/> bytes with
    /// "Expect: 100-continue" as curl does for a large body, and reads the server's first answer: a server that wants
    /// the body answers "100 Continue"; one that refuses it answers with the final response at once.
    /// </summary>
    public async Task<HttpResponseMessage> PostHeadersOnlyAsync(string path, string token, string contentType, long contentLength)
    {
        using var tcp = new System.Net.Sockets.TcpClient();
        await tcp.ConnectAsync(IPAddress.Loopback, _port);
        await using var tls = new SslStream(tcp.GetStream(), leaveInnerStreamOpen: false, IsTrustedServer);
        await tls.AuthenticateAsClientAsync(new SslClientAuthenticationOptions
        {
            TargetHost = "127.0.0.1",
            ApplicationProtocols = [SslApplicationProtocol.Http11],
        });
        var head = $"POST {path} HTTP/1.1\r\nHost: 127.0.0.1:{_port}\r\nAuthorization: Bearer {token}\r\n" +
                   $"Content-Type: {contentType}\r\nContent-Length: {contentLength}\r\nExpect: 100-continue\r\n\r\n";
        await tls.WriteAsync(Encoding.ASCII.GetBytes(head));
        await tls.FlushAsync();

        using var reader = new StreamReader(tls, Encoding.UTF8);
        var status = (await reader.ReadLineAsync())?.Split(' ', 3) ?? throw new IOException("the server closed the connection without an answer");
        var response = new HttpResponseMessage((HttpStatusCode)int.Parse(status[1], System.Globalization.CultureInfo.InvariantCulture));
        var headers = new List<(string Name, string Value)>();
        while (await reader.ReadLineAsync() is { Length: > 0 } line)
        {
            var colon = line.IndexOf(':');
            headers.Add((line[..colon].Trim(), line[(colon + 1)..].Trim()));
        }
        if (response.StatusCode == HttpStatusCode.Continue) return response; // it wants the body: the caller's assertion fails
        string? Header(string name) => headers.Where(h => h.Name.Equals(name, StringComparison.OrdinalIgnoreCase)).Select(h => h.Value).FirstOrDefault();
        string body;
        if (Header("Content-Length") is { } declared)
        {
            var buffer = new char[int.Parse(declared, System.Globalization.CultureInfo.InvariantCulture)];
            await reader.ReadBlockAsync(buffer);
            body = new string(buffer);
        }
        else if (Header("Transfer-Encoding") is { } encoding && encoding.Contains("chunked", StringComparison.OrdinalIgnoreCase))
        {
            var text = new StringBuilder();
            for (var size = ReadChunkSize(await reader.ReadLineAsync()); size > 0; size = ReadChunkSize(await reader.ReadLineAsync()))
            {
                var chunk = new char[size];
                await reader.ReadBlockAsync(chunk);
                text.Append(chunk);
                await reader.ReadLineAsync();
            }
            body = text.ToString();
        }
        else
        {
            body = await reader.ReadToEndAsync();
        }
        response.Content = new StringContent(body);
        response.Content.Headers.ContentType = Header("Content-Type") is { } type ? MediaTypeHeaderValue.Parse(type) : null;
        return response;
    }

    /// <summary>The name must match (the silo's certificate is for 127.0.0.1); the chain must end at the development CA.</summary>
    private bool IsTrustedServer(object sender, System.Security.Cryptography.X509Certificates.X509Certificate? certificate,
        System.Security.Cryptography.X509Certificates.X509Chain? chain, SslPolicyErrors errors) =>
        (errors & ~SslPolicyErrors.RemoteCertificateChainErrors) == SslPolicyErrors.None
        && certificate is System.Security.Cryptography.X509Certificates.X509Certificate2 server
        && _ca.IsTrusted(server, chain, ServerAuth);

    private static int ReadChunkSize(string? line) =>
        int.Parse((line ?? "0").Split(';')[0].Trim(), System.Globalization.NumberStyles.HexNumber, System.Globalization.CultureInfo.InvariantCulture);

    /// <summary>The problem a refused request was answered with: its Content-Type must be application/problem+json.</summary>
    public static async Task<(int Status, string Detail)> ProblemOf(HttpResponseMessage response)
    {
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.Content.Headers.ContentType?.MediaType == "application/problem+json",
            $"{(int)response.StatusCode} answered as {response.Content.Headers.ContentType}: {body}");
        using var problem = JsonDocument.Parse(body);
        var status = problem.RootElement.GetProperty("status").GetInt32();
        Assert.Equal((int)response.StatusCode, status);
        return (status, problem.RootElement.TryGetProperty("detail", out var detail) ? detail.GetString() ?? "" : "");
    }

    public void Dispose()
    {
        _http.Dispose();
        _ca.Dispose();
    }
}
