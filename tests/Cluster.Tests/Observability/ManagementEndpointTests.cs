using System.Globalization;
using System.Net;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using Unlearning.TestKit;
using Unlearning.Tests.Storage;
using Unlearning.Tests.Support;
using Xunit.Abstractions;

namespace Unlearning.Tests.Observability;

/// <summary>
/// The management listener of a real Silo process: Prometheus text at /metrics with the forget's histogram bucket after a
/// forget, and the health probes, including readiness lost when PostgreSQL becomes unreachable and regained after.
/// </summary>
public sealed class ManagementEndpointTests(ITestOutputHelper output)
{
    [Fact]
    public async Task Metrics_show_a_forget_in_its_histogram_bucket_and_the_probes_answer()
    {
        using var data = new TempDirectory("metrics");
        var port = FreePorts.One();
        using var silo = SiloProcess.Start("metrics", ["--data-dir", data.Path, "--metrics-port", $"{port}", "--Logging:LogLevel:Default", "Warning"]);
        try
        {
            await silo.WaitReadyAsync(TimeSpan.FromSeconds(90));
            Assert.Contains($"Management: http://127.0.0.1:{port} (/metrics, /health/live, /health/ready)", silo.Output);
            using var http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}"), Timeout = TimeSpan.FromSeconds(30) };
            Assert.Equal(HttpStatusCode.OK, (await http.GetAsync("/health/live")).StatusCode);
            var ready = await WaitForReadinessAsync(http, HttpStatusCode.OK);
            Assert.Contains("storage: Healthy", ready);
            Assert.Contains("cluster: Healthy", ready);

            using var client = await GatewayClient.ConnectAsync(silo.GatewayPort, ClusterIdentity.DefaultClusterId);
            var grains = client.Services.GetRequiredService<IClusterClient>();
            var dataset = Dataset.Wdbc().Take(120);
            var name = "metrics-model";
            var model = grains.GetGrain<IModelGrain>(name);
            await model.Create(dataset.Config(name, 2, 2));
            await model.Ingest(dataset.Records);
            await model.Train();
            await model.Predict([.. dataset.Records.Take(5).Select(r => r.Features)]);
            var receipt = await model.Forget(dataset.Records[3].Subject);
            Assert.Equal(1, receipt.RecordsRemoved);

            var text = await ScrapeUntilAsync(http, t => t.Contains($"unlearning_forget_duration_seconds_count{{", StringComparison.Ordinal));
            var buckets = Samples(text, "unlearning_forget_duration_seconds_bucket", name)
                .Select(s => (Bound: Bound(s.Labels["le"]), s.Value)).OrderBy(b => b.Bound).ToArray();
            Assert.NotEmpty(buckets);
            Assert.Equal(1, buckets[^1].Value); // le="+Inf"
            // The first bucket that counts the forget is the first bound at or above its duration, which the receipt gives
            // to the millisecond (rounded down, from the same reading).
            var first = Array.FindIndex(buckets, b => b.Value == 1);
            var seconds = receipt.ElapsedMs / 1000.0;
            Assert.True(buckets[first].Bound >= seconds, $"bucket le={buckets[first].Bound} below the receipt's {seconds} s");
            Assert.True(first == 0 || buckets[first - 1].Bound < seconds + 0.001, $"bucket le={buckets[first].Bound} not the first above {seconds} s");
            Assert.All(Samples(text, "unlearning_forget_duration_seconds_bucket", name), s => Assert.Equal("exact", s.Labels["unlearning_forget_method"]));

            Assert.Equal(1, Single(text, "unlearning_forget_time_to_compliance_seconds_count", name));
            Assert.Equal(5, Single(text, "unlearning_predictions_total", name));
            Assert.Equal(1, Single(text, "unlearning_prediction_duration_seconds_count", name));
            Assert.Equal(dataset.Records.Length, Single(text, "unlearning_ingest_records_total", name));
            Assert.Equal(dataset.Records.Length - 1, Single(text, "unlearning_model_records", name));
            Assert.Contains("unlearning_shards{", text);
            Assert.Contains("unlearning_retrains_in_flight", text);
            Assert.Contains("unlearning_retrains_queued", text);
            Assert.Contains("orleans_", text); // Orleans' own meters
            Assert.Contains("dotnet_gc_", text); // the runtime's
            // Opaque ids and counts only: no subject, no record id.
            Assert.DoesNotContain(dataset.Records[3].Subject, text);
            Assert.DoesNotContain(dataset.Records[3].Id, text);
        }
        catch
        {
            output.WriteLine(silo.Output);
            throw;
        }
    }

    [Fact]
    public async Task Readiness_fails_while_PostgreSQL_is_unreachable_and_returns_with_it()
    {
        await using var database = await TestPostgres.CreateDatabaseAsync("ready");
        if (database is null) return; // no PostgreSQL outside CI; under CI=true this fails instead
        var server = new NpgsqlConnectionStringBuilder(database.ConnectionString);
        await using var relay = new TcpRelay(server.Port);
        relay.Open();
        // Through the relay, with short timeouts, so that a cut is seen at once.
        var relayed = new NpgsqlConnectionStringBuilder(database.ConnectionString) { Port = relay.Port, Timeout = 3, CommandTimeout = 3 }.ConnectionString;
        var port = FreePorts.One();
        var clusterId = $"ready-{Guid.NewGuid():N}"[..16];
        using var silo = SiloProcess.Start("ready", ["--postgres", relayed, "--cluster-id", clusterId, "--metrics-port", $"{port}",
            "--Logging:LogLevel:Default", "Critical"]);
        try
        {
            await silo.WaitReadyAsync(TimeSpan.FromSeconds(90));
            using var http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}"), Timeout = TimeSpan.FromSeconds(30) };
            await WaitForReadinessAsync(http, HttpStatusCode.OK);

            relay.Cut();
            var notReady = await WaitForReadinessAsync(http, HttpStatusCode.ServiceUnavailable);
            Assert.Contains("storage: Unhealthy", notReady);
            Assert.DoesNotContain("Database=", notReady, StringComparison.OrdinalIgnoreCase); // no connection string
            // Alive all the same: a restart would not bring the database back.
            Assert.Equal(HttpStatusCode.OK, (await http.GetAsync("/health/live")).StatusCode);

            relay.Open();
            var readyAgain = await WaitForReadinessAsync(http, HttpStatusCode.OK);
            Assert.Contains("storage: Healthy", readyAgain);
        }
        catch
        {
            output.WriteLine(silo.Output);
            throw;
        }
    }

    private static async Task<string> WaitForReadinessAsync(HttpClient http, HttpStatusCode expected)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(60);
        while (true)
        {
            using var response = await http.GetAsync("/health/ready");
            var body = await response.Content.ReadAsStringAsync();
            if (response.StatusCode == expected) return body;
            if (DateTime.UtcNow > deadline) throw new TimeoutException($"/health/ready did not answer {(int)expected} in time; last {(int)response.StatusCode}: {body}");
            await Task.Delay(250);
        }
    }

    private static async Task<string> ScrapeUntilAsync(HttpClient http, Func<string, bool> done)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(30);
        while (true)
        {
            var text = await http.GetStringAsync("/metrics");
            if (done(text) || DateTime.UtcNow > deadline) return text;
            await Task.Delay(400); // past the exporter's 300 ms response cache
        }
    }

    private sealed record Sample(Dictionary<string, string> Labels, double Value);

    /// <summary>The samples of <paramref name="metric"/> for <paramref name="model"/> in Prometheus text.</summary>
    private static Sample[] Samples(string text, string metric, string model) =>
        [.. text.Split('\n')
            .Where(line => line.StartsWith(metric + "{", StringComparison.Ordinal))
            .Select(Parse)
            .Where(s => s.Labels.GetValueOrDefault("unlearning_model") == model)];

    private static double Single(string text, string metric, string model) => Assert.Single(Samples(text, metric, model)).Value;

    private static Sample Parse(string line)
    {
        var open = line.IndexOf('{');
        var close = line.LastIndexOf('}');
        var labels = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var pair in line[(open + 1)..close].Split("\",", StringSplitOptions.RemoveEmptyEntries))
        {
            var equals = pair.IndexOf('=');
            labels[pair[..equals]] = pair[(equals + 1)..].Trim('"');
        }
        var value = line[(close + 1)..].Trim().Split(' ')[0];
        return new Sample(labels, double.Parse(value, CultureInfo.InvariantCulture));
    }

    private static double Bound(string le) => le == "+Inf" ? double.PositiveInfinity : double.Parse(le, CultureInfo.InvariantCulture);
}
