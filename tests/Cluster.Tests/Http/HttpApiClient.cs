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

    public HttpApiClient(string caFile, int port)
    {
        _ca = PeerCertificates.FromPemFile(caFile);
        var handler = new SocketsHttpHandler
        {
            // The client waits this long for the server's "100 Continue" (or its early answer) before it sends a body
            // anyway; the default second is too short on a busy machine, and a body sent to a server that has already
            // refused it ends in a broken pipe instead of the server's answer.
            Expect100ContinueTimeout = TimeSpan.FromMinutes(1),
            SslOptions = new SslClientAuthenticationOptions
            {
                // The name must match (the silo's certificate is for 127.0.0.1); the chain must end at the development CA.
                RemoteCertificateValidationCallback = (_, certificate, chain, errors) =>
                    (errors & ~SslPolicyErrors.RemoteCertificateChainErrors) == SslPolicyErrors.None
                    && certificate is System.Security.Cryptography.X509Certificates.X509Certificate2 server
                    && _ca.IsTrusted(server, chain, ServerAuth),
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

    /// <summary>With <paramref name="http11"/>, over HTTP/1.1 with "Expect: 100-continue", as curl sends a large body.</summary>
    public async Task<HttpResponseMessage> SendAsync(HttpMethod method, string path, string? token, HttpContent? content = null, bool http11 = false)
    {
        using var request = new HttpRequestMessage(method, path) { Content = content };
        if (http11)
        {
            request.Version = HttpVersion.Version11;
            request.Headers.ExpectContinue = true;
        }
        if (token is not null) request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        return await _http.SendAsync(request);
    }

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
