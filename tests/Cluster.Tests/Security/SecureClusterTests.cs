using System.Text.Json;
using Unlearning.Cli;
using Unlearning.Tests.Storage;
using Unlearning.Tests.Support;
using Xunit.Abstractions;

namespace Unlearning.Tests.Security;

/// <summary>Two Silo processes on PostgreSQL with mutual TLS between them and towards the CLI, and tokens.</summary>
public sealed class SecureClusterTests(ITestOutputHelper output)
{
    [Fact]
    public async Task Two_silos_talk_over_tls_and_serve_a_model_whose_shards_live_on_both()
    {
        await using var database = await TestPostgres.CreateDatabaseAsync("tls");
        if (database is null) return; // no PostgreSQL outside CI; under CI=true this fails instead
        using var credentials = new SecureCredentials();
        var clusterId = $"tls-{Guid.NewGuid():N}"[..16];
        string[] common = ["--postgres", database.ConnectionString, "--cluster-id", clusterId, "--Logging:LogLevel:Default", "Warning", .. credentials.SiloArguments];
        using var first = SiloProcess.Start("tls1", common);
        using var second = SiloProcess.Start("tls2", common);
        try
        {
            await Task.WhenAll(first.WaitReadyAsync(TimeSpan.FromSeconds(90)), second.WaitReadyAsync(TimeSpan.FromSeconds(90)));
            var token = credentials.Token(Roles.Admin);
            var train = Path.Combine(AppContext.BaseDirectory, "data", "wdbc_train.csv");

            async Task<JsonElement> Cli(params string[] args)
            {
                var stdout = new StringWriter();
                var stderr = new StringWriter();
                var exit = await Unlearn.RunAsync([.. args, "--json", "--postgres", database.ConnectionString, "--cluster-id", clusterId,
                    "--token", token, .. credentials.ClientArguments], stdout, stderr);
                Assert.True(exit == 0, $"{string.Join(' ', args.Take(2))} exited {exit}: {stderr}");
                return JsonDocument.Parse(stdout.ToString().Split('\n')[0]).RootElement;
            }

            await Cli("create", "spread", "--schema", train, "--shards", "8", "--slices", "1");
            await Cli("ingest", "spread", train);
            await Cli("train", "spread");
            var status = await Cli("status", "spread");
            var silos = status.GetProperty("shards").EnumerateArray().Select(s => s.GetProperty("silo").GetString()!).Distinct().ToArray();
            output.WriteLine($"shards on {string.Join(", ", silos)}");
            // The model grain reaches shards on the other silo, and the silos probe each other: both over TLS only.
            Assert.Equal(2, silos.Length);
            Assert.Equal(456, status.GetProperty("records").GetInt64());
            Assert.DoesNotContain("Authentication failed", first.Output + second.Output);
        }
        catch
        {
            output.WriteLine($"--- tls1 ---\n{first.Output}\n--- tls2 ---\n{second.Output}");
            throw;
        }
    }
}
