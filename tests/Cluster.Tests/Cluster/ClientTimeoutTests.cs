using System.Diagnostics;
using System.Globalization;
using System.Text;
using Unlearning.Tests.Support;
using Xunit.Abstractions;

namespace Unlearning.Tests.Cluster;

/// <summary>The CLI never hangs: a silo that stops answering or dies ends the command within its timeout, saying what may have happened.</summary>
public sealed class ClientTimeoutTests(ITestOutputHelper output) : IAsyncLifetime
{
    private readonly string _clusterId = $"timeout-{Guid.NewGuid():N}"[..16];
    private SiloProcess _silo = null!;

    public async Task InitializeAsync()
    {
        _silo = SiloProcess.Start("timeouts", ["--storage", "memory", "--cluster-id", _clusterId]);
        await _silo.WaitReadyAsync(TimeSpan.FromSeconds(60));
    }

    public Task DisposeAsync()
    {
        _silo.Dispose();
        return Task.CompletedTask;
    }

    private async Task<(int Exit, string Stderr, TimeSpan Took)> RunAsync(params string[] args)
    {
        var clock = Stopwatch.StartNew();
        var (exit, _, stderr) = await CliRun.RunAsync([.. args, "--gateway", $"127.0.0.1:{_silo.GatewayPort}", "--cluster-id", _clusterId]);
        output.WriteLine($"{string.Join(' ', args)}: exit {exit} after {clock.Elapsed.TotalSeconds:F1} s: {stderr}");
        return (exit, stderr.Trim(), clock.Elapsed);
    }

    [Fact]
    public async Task A_silo_that_stops_answering_ends_the_command_at_its_timeout()
    {
        _silo.Freeze();
        var (exit, stderr, took) = await RunAsync("status", "m", "--timeout", "3s");

        Assert.Equal(4, exit);
        Assert.Equal("error: no answer within 3s (--timeout); nothing was changed", stderr);
        Assert.InRange(took, TimeSpan.FromSeconds(2.5), TimeSpan.FromSeconds(15));
    }

    [Fact]
    public async Task A_silo_killed_during_a_long_command_ends_it_at_once()
    {
        // Data a linear model separates exactly: the weights grow until the L2 term stops them, over many iterations.
        var model = ClusterFixture.UniqueName("lost");
        var file = Path.Combine(Path.GetTempPath(), $"{model}.csv");
        var random = new Random(7);
        var directions = Enumerable.Range(0, 10).Select(_ => Enumerable.Range(0, 20).Select(_ => random.NextDouble() - 0.5).ToArray()).ToArray();
        var csv = new StringBuilder("id," + string.Join(",", Enumerable.Range(0, 20).Select(j => $"f{j}")) + ",label\n");
        for (var i = 0; i < 100_000; i++)
        {
            var x = Enumerable.Range(0, 20).Select(_ => random.NextDouble() * 2 - 1).ToArray();
            var label = Enumerable.Range(0, 10).MaxBy(c => directions[c].Zip(x, (w, v) => w * v).Sum());
            csv.Append(CultureInfo.InvariantCulture, $"r{i},{string.Join(",", x.Select(v => v.ToString("R", CultureInfo.InvariantCulture)))},{label}\n");
        }
        await File.WriteAllTextAsync(file, csv.ToString());
        try
        {
            Assert.Equal(0, (await RunAsync("create", model, "--schema", file, "--shards", "1", "--slices", "4", "--max-iterations", "100000")).Exit);
            Assert.Equal(0, (await RunAsync("ingest", model, file)).Exit);

            var training = RunAsync("train", model);
            await Task.Delay(TimeSpan.FromSeconds(2));
            Assert.False(training.IsCompleted, "training ended before the silo was killed: make it longer");
            var killed = Stopwatch.StartNew();
            _silo.Kill();
            var (exit, stderr, _) = await training.WaitAsync(TimeSpan.FromSeconds(60));

            Assert.Equal(4, exit);
            Assert.StartsWith($"error: lost the connection to the cluster at gateway 127.0.0.1:{_silo.GatewayPort} before the answer; " +
                $"training goes on in the cluster", stderr);
            Assert.True(killed.Elapsed < TimeSpan.FromSeconds(20), $"the command took {killed.Elapsed} after the kill");
        }
        finally
        {
            File.Delete(file);
        }
    }
}
