using System.Diagnostics;
using System.Text.Json;
using Unlearning.Tests.Storage;
using Unlearning.Tests.Support;
using Xunit.Abstractions;

namespace Unlearning.Tests.Compliance;

/// <summary>
/// A Silo process SIGKILLed between a forget request's acceptance and its completion: after a restart on the same store
/// the request completes by itself (no caller retry), and sending it again answers its result without forgetting twice.
/// </summary>
public sealed class DurableRequestKillTests(ITestOutputHelper output)
{
    private static readonly string Train = Path.Combine(AppContext.BaseDirectory, "data", "wdbc_train.csv");

    [Fact]
    public async Task A_request_accepted_before_a_kill_completes_after_a_restart_on_sqlite()
    {
        using var directory = new TempDirectory("durable");
        await KillAndRecoverAsync(["--data-dir", directory.Path, "--cluster-id", "durable-sqlite"], silo => ["--gateway", $"127.0.0.1:{silo.GatewayPort}", "--cluster-id", "durable-sqlite"]);
    }

    [Fact]
    public async Task A_request_accepted_before_a_kill_completes_after_a_restart_on_postgres()
    {
        await using var database = await TestPostgres.CreateDatabaseAsync("durable");
        if (database is null) return; // no PostgreSQL outside CI; under CI=true this fails instead
        var clusterId = $"durable-{Guid.NewGuid():N}"[..16];
        // Fast failure detection: the restarted silo declares the killed one dead instead of waiting the production defaults out.
        await KillAndRecoverAsync(["--postgres", database.ConnectionString, "--cluster-id", clusterId,
            "--Membership:ProbeTimeout", "00:00:01", "--Membership:NumMissedProbesLimit", "2",
            "--Membership:TableRefreshTimeout", "00:00:02", "--Membership:IAmAliveTablePublishTimeout", "00:00:05"],
            _ => ["--postgres", database.ConnectionString, "--cluster-id", clusterId]);
    }

    private async Task KillAndRecoverAsync(string[] store, Func<SiloProcess, string[]> target)
    {
        string[] common = [.. store, "--Compliance:ResumeInterval", "00:00:02", "--Logging:LogLevel:Default", "Warning"];
        // The first silo holds every retrain after a forget for ten minutes: the request is accepted, its shards accept
        // the forgets, and its answer waits on the retrain when the silo is killed.
        var silo = SiloProcess.Start("holding", [.. common, "--Unlearning:RetrainDelay", "00:10:00"]);
        SiloProcess? restarted = null;
        try
        {
            await silo.WaitReadyAsync(TimeSpan.FromSeconds(90));
            var model = ClusterFixture.UniqueName("durable");
            await RunAsync(target(silo), "create", model, "--schema", Train, "--shards", "3", "--slices", "2");
            await RunAsync(target(silo), "ingest", model, Train);
            await RunAsync(target(silo), "train", model);

            using var folder = new TempDirectory("subjects");
            var subjects = File.ReadLines(Train).Skip(1).Take(12).Select(line => line.Split(',')[0]).ToArray();
            var file = Path.Combine(folder.Path, "subjects.txt");
            await File.WriteAllLinesAsync(file, subjects);
            var id = $"erasure-{Guid.NewGuid():N}";
            string[] forget = ["forget", model, "--subjects-file", file, "--request-id", id];

            var waiting = Run(target(silo), forget);
            var accepted = Stopwatch.StartNew();
            while ((await Run(target(silo), "forget-status", id)).Exit != 0)
            {
                Assert.True(accepted.Elapsed < TimeSpan.FromSeconds(60), "the request was never accepted");
                await Task.Delay(200);
            }
            var status = await RunAsync(target(silo), "forget-status", id);
            Assert.Equal("accepted", status.GetProperty("state").GetString());
            await Task.Delay(TimeSpan.FromSeconds(1));
            Assert.False(waiting.IsCompleted, "the forget answered before the kill: the test proves nothing");
            silo.Kill();
            var lost = await waiting;
            output.WriteLine($"the waiting client: exit {lost.Exit}: {lost.Stderr}");
            Assert.NotEqual(0, lost.Exit);

            restarted = SiloProcess.Start("restarted", common);
            await restarted.WaitReadyAsync(TimeSpan.FromSeconds(90));
            var clock = Stopwatch.StartNew();
            JsonElement done;
            while ((done = await RunAsync(target(restarted), "forget-status", id)).GetProperty("state").GetString() != "completed")
            {
                Assert.True(clock.Elapsed < TimeSpan.FromSeconds(90), $"the request did not complete after the restart: {done}");
                await Task.Delay(500);
            }
            output.WriteLine($"completed {clock.ElapsedMilliseconds} ms after the restarted silo was ready");
            Assert.Equal(subjects.Length, done.GetProperty("receipts").GetArrayLength());
            Assert.Equal(subjects.Length, done.GetProperty("subjects").GetInt32());

            // The same request again answers its receipts, one per line, and forgets nothing twice.
            // Shards that accepted the forgets before the kill retrain after the restart: wait until every one serves.
            await RunAsync(target(restarted), "train", model);
            var before = await RunAsync(target(restarted), "status", model);
            var again = await Run(target(restarted), [.. forget, "--json"]);
            Assert.True(again.Exit == 0, again.Stderr);
            var lines = again.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => JsonDocument.Parse(l).RootElement).ToArray();
            Assert.Equal(subjects, lines.Select(l => l.GetProperty("subject").GetString()));
            Assert.All(lines, l => Assert.Equal(id, l.GetProperty("requestId").GetString()));
            var after = await RunAsync(target(restarted), "status", model);
            Assert.Equal(before.GetProperty("version").GetInt64(), after.GetProperty("version").GetInt64());
            Assert.Equal(456 - subjects.Length, after.GetProperty("records").GetInt64());
        }
        catch
        {
            output.WriteLine($"--- first silo ---\n{silo.Output}");
            if (restarted is not null) output.WriteLine($"--- restarted silo ---\n{restarted.Output}");
            throw;
        }
        finally
        {
            silo.Dispose();
            restarted?.Dispose();
        }
    }

    private static async Task<JsonElement> RunAsync(string[] target, params string[] args)
    {
        var run = await Run(target, args);
        Assert.True(run.Exit == 0, $"'{args[0]}' exited {run.Exit}: {run.Stderr}");
        return run.Json;
    }

    private static Task<CliRun> Run(string[] target, params string[] args)
    {
        string[] json = args.Contains("--json") ? [] : ["--json"];
        return CliRun.RunAsync([.. args, .. json, .. target]);
    }
}
