using System.Diagnostics;
using System.Text;

using Unlearning.TestKit;

namespace Unlearning.Tests.Support;

/// <summary>A real Silo program (the Silo.dll built beside the tests) in a process of its own, which a test can SIGKILL.</summary>
public sealed class SiloProcess : IDisposable
{
    private readonly Process _process;
    private readonly StringBuilder _output = new();
    private readonly TaskCompletionSource _ready = new(TaskCreationOptions.RunContinuationsAsynchronously);
    // The Exited event can come before the last lines are read: an exit is reported once both streams are drained too.
    private int _pendingEndings = 3;

    private SiloProcess(string name, Process process, int siloPort, int gatewayPort)
    {
        Name = name;
        _process = process;
        SiloPort = siloPort;
        GatewayPort = gatewayPort;
    }

    public string Name { get; }
    public int SiloPort { get; }
    public int GatewayPort { get; }
    public bool HasExited => _process.HasExited;

    /// <summary>The exit code, once the process has exited and its output is read.</summary>
    public async Task<int> WaitForExitAsync(TimeSpan timeout)
    {
        await _process.WaitForExitAsync().WaitAsync(timeout);
        return _process.ExitCode;
    }

    public string Output
    {
        get { lock (_output) return _output.ToString(); }
    }

    /// <summary>Starts Silo.dll with <paramref name="arguments"/>, free ports and <c>--address</c> <paramref name="address"/> (last, so it wins).</summary>
    public static SiloProcess Start(string name, IEnumerable<string> arguments, string address = "127.0.0.1")
    {
        var siloPort = FreePorts.One();
        var gatewayPort = FreePorts.One();
        var start = new ProcessStartInfo(DotnetHost())
        {
            UseShellExecute = false,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            WorkingDirectory = AppContext.BaseDirectory,
        };
        start.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "Silo.dll"));
        foreach (var argument in arguments) start.ArgumentList.Add(argument);
        foreach (var argument in new[] { "--silo-port", $"{siloPort}", "--gateway-port", $"{gatewayPort}", "--address", address })
            start.ArgumentList.Add(argument);
        // Several silos and the tests share two cores: workstation GC keeps each process small.
        start.Environment["DOTNET_gcServer"] = "0";
        var process = new Process { StartInfo = start, EnableRaisingEvents = true };
        var silo = new SiloProcess(name, process, siloPort, gatewayPort);
        process.OutputDataReceived += (_, e) => silo.OnLine(e.Data);
        process.ErrorDataReceived += (_, e) => silo.OnLine(e.Data);
        process.Exited += (_, _) => silo.OnEnding();
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return silo;
    }

    public async Task WaitReadyAsync(TimeSpan timeout)
    {
        try
        {
            await _ready.Task.WaitAsync(timeout);
        }
        catch (TimeoutException)
        {
            throw new TimeoutException($"silo {Name} not ready within {timeout}:\n{Output}");
        }
    }

    /// <summary>SIGKILL: the process gets no chance to leave the cluster or flush anything.</summary>
    public void Kill()
    {
        if (!_process.HasExited) _process.Kill(entireProcessTree: true);
        _process.WaitForExit(10_000);
    }

    public int Pid => _process.Id;

    /// <summary>SIGSTOP: the process keeps its sockets open and answers nothing, as a hung or partitioned machine would.</summary>
    public void Freeze() => Signal("STOP");

    /// <summary>SIGCONT after <see cref="Freeze"/>.</summary>
    public void Thaw() => Signal("CONT");

    private void Signal(string signal)
    {
        using var kill = Process.Start("kill", ["-" + signal, $"{_process.Id}"])!;
        kill.WaitForExit(10_000);
    }

    public void Dispose()
    {
        try { Thaw(); } catch (Exception) { }
        try { Kill(); } catch (InvalidOperationException) { }
        _process.Dispose();
    }

    private void OnLine(string? line)
    {
        if (line is null)
        {
            OnEnding();
            return;
        }
        lock (_output) _output.AppendLine(line);
        if (line.StartsWith("Silo ready", StringComparison.Ordinal)) _ready.TrySetResult();
    }

    private void OnEnding()
    {
        if (Interlocked.Decrement(ref _pendingEndings) == 0)
            _ready.TrySetException(new InvalidOperationException($"silo {Name} exited:\n{Output}"));
    }


    internal static string DotnetHost()
    {
        var host = Environment.GetEnvironmentVariable("DOTNET_HOST_PATH");
        if (!string.IsNullOrEmpty(host) && File.Exists(host)) return host;
        var current = Environment.ProcessPath;
        return current is not null && Path.GetFileNameWithoutExtension(current) == "dotnet" ? current : "dotnet";
    }
}
