using System.Diagnostics;
using System.Globalization;
using System.Text;
using System.Text.Json;
using Unlearning.TestKit;
using Unlearning.Tests.Storage;
using Unlearning.Tests.Support;

namespace Unlearning.Tests.Cluster;

/// <summary>
/// The CLI reads a data file in one streaming pass: a CLI process whose managed heap is capped (DOTNET_GCHeapHardLimit)
/// well below the file's size ingests the whole file, all of it joining the model. A client that held the file, or a
/// growing part of it, would run out of memory and exit non-zero.
/// </summary>
public sealed class StreamingIngestTests : IAsyncLifetime
{
    /// <summary>The CLI's managed-heap cap; the file is made larger than twice it.</summary>
    private const long HeapCap = 48L << 20;

    private const int Features = 20;

    private readonly string _clusterId = $"stream-{Guid.NewGuid():N}"[..16];
    private readonly TempDirectory _directory = new("streaming-ingest");
    private SiloProcess _silo = null!;

    public async Task InitializeAsync()
    {
        _silo = SiloProcess.Start("stream", ["--storage", "memory", "--cluster-id", _clusterId]);
        await _silo.WaitReadyAsync(TimeSpan.FromSeconds(60));
    }

    public Task DisposeAsync()
    {
        _silo.Dispose();
        _directory.Dispose();
        return Task.CompletedTask;
    }

    [Fact]
    public async Task A_file_larger_than_the_clients_memory_cap_is_ingested_whole()
    {
        var model = ClusterFixture.UniqueName("stream");
        var schema = Path.Combine(_directory.Path, "schema.csv");
        var file = Path.Combine(_directory.Path, "large.csv");
        WriteRecords(schema);
        var rows = WriteRecords(file, minimumBytes: 2 * HeapCap + (8L << 20));
        Assert.True(new FileInfo(file).Length > 2 * HeapCap);

        await CliRun.SucceedAsync(["create", model, "--schema", schema, "--shards", "2", "--slices", "1", .. Connection()]);

        var (exit, stdout, stderr) = await RunCappedAsync(["ingest", model, file, "--json", .. Connection()]);
        Assert.True(exit == 0, $"ingest under a {HeapCap >> 20} MiB heap cap exited {exit}: {stderr}");
        Assert.Equal(rows, JsonDocument.Parse(stdout).RootElement.GetProperty("records").GetInt64());
    }

    private string[] Connection() => ["--gateway", $"127.0.0.1:{_silo.GatewayPort}", "--cluster-id", _clusterId];

    /// <summary>Writes rows (id, subject, label, features) until the file has <paramref name="minimumBytes"/> or two rows; the rows written.</summary>
    private static long WriteRecords(string path, long minimumBytes = 0, int minimumRows = 2)
    {
        var random = new Random(14);
        using var writer = new StreamWriter(path, false, new UTF8Encoding(false), 1 << 16);
        writer.Write("id,subject,label");
        for (var j = 0; j < Features; j++) writer.Write(string.Create(CultureInfo.InvariantCulture, $",f{j}"));
        writer.Write('\n');
        var line = new StringBuilder();
        long row = 0;
        for (; row < minimumRows || writer.BaseStream.Position < minimumBytes; row++)
        {
            line.Clear().Append(CultureInfo.InvariantCulture, $"r{row},s{row / 3},{row % 2}");
            for (var j = 0; j < Features; j++) line.Append(',').Append((random.NextDouble() * 2 - 1 + (row % 2) * 0.5).ToString("R", CultureInfo.InvariantCulture));
            writer.Write(line.Append('\n'));
            if (row % 1024 == 0) writer.Flush();
        }
        return row;
    }

    /// <summary>
    /// The CLI as users run it: its own build output (same configuration as the tests), whose runtime files are complete
    /// (the copy beside the tests resolves some assemblies from the silo's shared framework).
    /// </summary>
    private static string CliAssembly()
    {
        var tests = new DirectoryInfo(AppContext.BaseDirectory.TrimEnd(Path.DirectorySeparatorChar));
        var (framework, configuration) = (tests.Name, tests.Parent!.Name);
        var path = Path.Combine(Repository.Root(), "Client", "Cli", "bin", configuration, framework, "unlearn.dll");
        Assert.True(File.Exists(path), $"the CLI is not built at {path}");
        return path;
    }

    /// <summary>Runs the CLI in a process of its own, its managed heap capped at <see cref="HeapCap"/>.</summary>
    private static async Task<(int Exit, string Stdout, string Stderr)> RunCappedAsync(string[] arguments)
    {
        var start = new ProcessStartInfo(SiloProcess.DotnetHost())
        {
            UseShellExecute = false,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            WorkingDirectory = AppContext.BaseDirectory,
        };
        start.ArgumentList.Add(CliAssembly());
        foreach (var argument in arguments) start.ArgumentList.Add(argument);
        start.Environment["DOTNET_gcServer"] = "0";
        start.Environment["DOTNET_GCHeapHardLimit"] = HeapCap.ToString("x", CultureInfo.InvariantCulture);
        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(5));
        try
        {
            await process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"the CLI did not finish within 5 minutes: {await stderr}");
        }
        return (process.ExitCode, await stdout, await stderr);
    }
}
