using System.Text.Json;
using Unlearning.Tests.Support;
using Xunit.Abstractions;

namespace Unlearning.Tests.Storage;

/// <summary>
/// The real CLI with --postgres and no gateway: it finds the Silo processes' gateways in the PostgreSQL
/// membership table and drives a model through create, ingest, train and status.
/// </summary>
public sealed class CliPostgresTests(ITestOutputHelper output)
{
    private static readonly string DataFolder = Path.Combine(AppContext.BaseDirectory, "data");

    [Fact]
    public async Task The_cli_finds_the_cluster_through_the_membership_table()
    {
        await using var database = await TestPostgres.CreateDatabaseAsync("cli");
        if (database is null) return; // no PostgreSQL outside CI; under CI=true this fails instead
        var clusterId = $"cli-{Guid.NewGuid():N}"[..16];
        string[] siloArguments = ["--postgres", database.ConnectionString, "--cluster-id", clusterId, "--Logging:LogLevel:Default", "Warning"];
        using var first = SiloProcess.Start("silo0", siloArguments);
        using var second = SiloProcess.Start("silo1", siloArguments);
        try
        {
            await Task.WhenAll(first.WaitReadyAsync(TimeSpan.FromSeconds(90)), second.WaitReadyAsync(TimeSpan.FromSeconds(90)));

            var model = ClusterFixture.UniqueName("pgcli");
            var train = Path.Combine(DataFolder, "wdbc_train.csv");
            string[] cluster = ["--postgres", database.ConnectionString, "--cluster-id", clusterId, "--json"];

            await RunAsync(["create", model, "--schema", train, "--shards", "4", "--slices", "2", .. cluster]);
            var ingested = await RunAsync(["ingest", model, train, .. cluster]);
            Assert.Equal(456, ingested.GetProperty("records").GetInt64());
            await RunAsync(["train", model, .. cluster]);
            var status = await RunAsync(["status", model, .. cluster]);

            Assert.Equal(456, status.GetProperty("records").GetInt64());
            var shards = status.GetProperty("shards").EnumerateArray().ToArray();
            Assert.Equal(4, shards.Length);
            Assert.All(shards, s => Assert.Equal("serving", s.GetProperty("state").GetString()));
            // Every shard is hosted by one of the two silos the table lists.
            Assert.All(shards, s => Assert.Matches($":({first.SiloPort}|{second.SiloPort}):", s.GetProperty("silo").GetString()!));
        }
        catch
        {
            output.WriteLine($"--- silo0 ---\n{first.Output}\n--- silo1 ---\n{second.Output}");
            throw;
        }
    }

    private static async Task<JsonElement> RunAsync(string[] args) => (await CliRun.SucceedAsync(args)).Json;
}
