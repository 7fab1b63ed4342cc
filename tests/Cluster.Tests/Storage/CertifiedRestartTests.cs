using System.Globalization;
using System.Text;
using System.Text.Json;
using Unlearning.Tests.Support;

namespace Unlearning.Tests.Storage;

/// <summary>A certified shard restarted between an ingest and the retrain it scheduled: a forget then must not step from the stale model.</summary>
public sealed class CertifiedRestartTests
{
    [Fact]
    public async Task A_forget_after_a_restart_that_interrupted_an_ingests_retrain_is_certified_and_verified()
    {
        using var directory = new TempDirectory("certified-restart");
        var first = Path.Combine(directory.Path, "first.csv");
        var late = Path.Combine(directory.Path, "late.csv");
        WriteRows(first, 0, 30_000);
        WriteRows(late, 30_000, 2_000);
        string[] data = ["--data-dir", Path.Combine(directory.Path, "data"), "--Logging:LogLevel:Default", "Warning"];

        // The retrain after the late ingest is held for ten minutes: the silo dies before it runs.
        using (var holding = SiloProcess.Start("holding", [.. data, "--Unlearning:RetrainDelay", "00:10:00"]))
        {
            await holding.WaitReadyAsync(TimeSpan.FromSeconds(60));
            await CliAsync(holding, "create", "m", "--schema", first, "--shards", "1", "--unlearning", "certified",
                "--epsilon", "10", "--delta", "1e-5", "--lambda", "0.01");
            await CliAsync(holding, "ingest", "m", first);
            await CliAsync(holding, "train", "m");
            await CliAsync(holding, "ingest", "m", late);
            holding.Kill();
        }

        using var silo = SiloProcess.Start("restarted", data);
        await silo.WaitReadyAsync(TimeSpan.FromSeconds(60));
        var receipt = await CliAsync(silo, "forget", "m", "--subject", "r000123");
        Assert.Equal(1, receipt.GetProperty("recordsRemoved").GetInt32());
        var verified = await CliAsync(silo, "verify", "m");
        Assert.True(verified.GetProperty("withinBounds").GetBoolean(), verified.ToString());
        Assert.Equal(31_999, (await CliAsync(silo, "status", "m")).GetProperty("records").GetInt64());
    }

    private static void WriteRows(string path, int first, int count)
    {
        var random = new Random(first + 1);
        var csv = new StringBuilder("id," + string.Join(",", Enumerable.Range(0, 30).Select(j => $"f{j}")) + ",label\n");
        for (var i = first; i < first + count; i++)
        {
            var x = Enumerable.Range(0, 30).Select(_ => random.NextDouble() * 2 - 1).ToArray();
            csv.Append(CultureInfo.InvariantCulture, $"r{i:000000},{string.Join(",", x.Select(v => v.ToString("R", CultureInfo.InvariantCulture)))},{(x[0] + x[1] > 0 ? "a" : x[2] > 0 ? "b" : "c")}\n");
        }
        File.WriteAllText(path, csv.ToString());
    }

    private static async Task<JsonElement> CliAsync(SiloProcess silo, params string[] args) =>
        (await CliRun.SucceedAsync([.. args, "--json", "--gateway", $"127.0.0.1:{silo.GatewayPort}"], () => $"\n{silo.Output}")).Json;
}
