using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json.Nodes;
using Unlearning.TestKit;
using Unlearning.Tests.Support;
using Xunit.Abstractions;

namespace Unlearning.Tests.Http;

/// <summary>
/// The HTTP API of a silo on loopback with no security set up: plain HTTP with no tokens, as the silo's own ports, and
/// beside the dashboard, each listener answering with its own endpoints only.
/// </summary>
public sealed class LoopbackHttpApiTests(ITestOutputHelper output)
{
    [Fact]
    public async Task On_loopback_without_security_the_api_needs_no_token_and_shares_no_endpoint_with_the_dashboard()
    {
        var (apiPort, dashboardPort) = (FreePorts.One(), FreePorts.One());
        using var silo = SiloProcess.Start("loopback-http", ["--storage", "memory", "--cluster-id", $"lh-{Guid.NewGuid():N}"[..16],
            "--http-port", $"{apiPort}", "--dashboard-port", $"{dashboardPort}"]);
        try
        {
            await silo.WaitReadyAsync(TimeSpan.FromSeconds(60));
            Assert.Contains($"HTTP API: http://127.0.0.1:{apiPort}/v1/models/{{model}}", silo.Output);
            using var api = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{apiPort}"), Timeout = TimeSpan.FromMinutes(2) };
            using var dashboard = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{dashboardPort}"), Timeout = TimeSpan.FromSeconds(30) };

            var created = await api.PostAsJsonAsync("/v1/models/open", new { features = new[] { "f1", "f2" }, labels = new[] { "a", "b" }, shards = 2, slices = 1 });
            Assert.Equal(HttpStatusCode.Created, created.StatusCode);
            var rows = new StringBuilder("id,f1,f2,label\n");
            for (var i = 0; i < 40; i++) rows.Append($"r{i},{i % 7},{i % 5},{(i % 2 == 0 ? "a" : "b")}\n");
            var ingested = await api.PostAsync("/v1/models/open/records", new StringContent(rows.ToString(), Encoding.UTF8, "text/csv"));
            Assert.Equal(HttpStatusCode.OK, ingested.StatusCode);
            Assert.Equal(HttpStatusCode.OK, (await api.PostAsync("/v1/models/open/train", null)).StatusCode);
            var predicted = await api.PostAsJsonAsync("/v1/models/open/predict", new { rows = new[] { new { f1 = 1.0, f2 = 2.0 } } });
            Assert.Equal(HttpStatusCode.OK, predicted.StatusCode);
            Assert.Single(JsonNode.Parse(await predicted.Content.ReadAsStringAsync())!.AsArray());

            // No bearer scheme in the document of a silo that checks no tokens.
            var document = JsonNode.Parse(await api.GetStringAsync("/openapi/v1.json"))!;
            Assert.Null(document["components"]?["securitySchemes"]);

            // Each listener its own endpoints: the dashboard's page is not on the API's port, the API not on the dashboard's.
            Assert.Contains("<title>Orleans Dashboard</title>", await dashboard.GetStringAsync("/dashboard/"));
            Assert.Equal(HttpStatusCode.NotFound, (await api.GetAsync("/dashboard/")).StatusCode);
            Assert.Equal(HttpStatusCode.NotFound, (await dashboard.GetAsync("/v1/models/open/status")).StatusCode);
            Assert.Equal(HttpStatusCode.NotFound, (await dashboard.GetAsync("/openapi/v1.json")).StatusCode);
            Assert.Equal(HttpStatusCode.OK, (await api.GetAsync("/v1/models/open/status")).StatusCode);
        }
        catch
        {
            output.WriteLine(silo.Output);
            throw;
        }
    }
}
