using System.Diagnostics;
using System.Net;
using System.Net.Sockets;

namespace Unlearning.Tests.Support;

/// <summary>A real Silo program in a child process on free loopback ports, killed on dispose.</summary>
public sealed class SiloProcess : IAsyncDisposable
{
    private readonly Process _process;
    private readonly TaskCompletionSource _ready = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly List<string> _output = [];

    private SiloProcess(Process process, int gatewayPort, string clusterId)
    {
        _process = process;
        GatewayPort = gatewayPort;
        ClusterId = clusterId;
    }

    public int GatewayPort { get; }
    public string ClusterId { get; }
    public string Gateway => $"127.0.0.1:{GatewayPort}";

    public static async Task<SiloProcess> StartAsync(params string[] extraArgs)
    {
        var clusterId = $"test-{Guid.NewGuid():N}"[..16];
        var gatewayPort = FreePort();
        var siloDll = Path.Combine(AppContext.BaseDirectory, "Silo.dll");
        var start = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var arg in new[] { siloDll, "--silo-port", FreePort().ToString(), "--gateway-port", gatewayPort.ToString(), "--cluster-id", clusterId }.Concat(extraArgs))
            start.ArgumentList.Add(arg);

        var process = Process.Start(start) ?? throw new InvalidOperationException("could not start the silo");
        var silo = new SiloProcess(process, gatewayPort, clusterId);
        process.OutputDataReceived += (_, e) => silo.OnOutput(e.Data);
        process.ErrorDataReceived += (_, e) => silo.OnOutput(e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        var started = await Task.WhenAny(silo._ready.Task, process.WaitForExitAsync(), Task.Delay(TimeSpan.FromSeconds(60)));
        if (started != silo._ready.Task)
        {
            await silo.DisposeAsync();
            throw new InvalidOperationException($"the silo did not start:\n{silo.Output}");
        }
        return silo;
    }

    public string Output
    {
        get { lock (_output) return string.Join('\n', _output); }
    }

    private void OnOutput(string? line)
    {
        if (line is null) return;
        lock (_output) _output.Add(line);
        if (line.StartsWith("Silo ready", StringComparison.Ordinal)) _ready.TrySetResult();
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited) _process.Kill(entireProcessTree: true);
        await _process.WaitForExitAsync();
        _process.Dispose();
    }
}
