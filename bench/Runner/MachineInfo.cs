using System.Diagnostics;
using System.Reflection;
using System.Runtime;
using System.Runtime.InteropServices;

namespace Unlearning.Bench.Runner;

/// <summary>What the figures were measured on: printed at the top of the console output and of latest.md.</summary>
public static class MachineInfo
{
    public static bool IsReleaseBuild =>
        typeof(MachineInfo).Assembly.GetCustomAttribute<DebuggableAttribute>()?.IsJITOptimizerDisabled != true;

    public static IReadOnlyList<KeyValuePair<string, string>> Collect() =>
    [
        new("CPU", CpuModel()),
        new("logical cores", Environment.ProcessorCount.ToString(System.Globalization.CultureInfo.InvariantCulture)),
        new("memory", $"{TotalMemoryGiB():0.0} GiB"),
        new("OS", RuntimeInformation.OSDescription),
        new(".NET", $"{RuntimeInformation.FrameworkDescription} ({RuntimeInformation.ProcessArchitecture})"),
        new("build", IsReleaseBuild ? "Release" : "Debug (figures are not valid: use -c Release)"),
        new("GC", $"{(GCSettings.IsServerGC ? "server" : "workstation")}, {GCSettings.LatencyMode}"),
        new("Orleans", Version(typeof(IGrainFactory).Assembly)),
        new("ML.NET", Version(typeof(Microsoft.ML.MLContext).Assembly)),
        new("git commit", GitCommit()),
    ];

    private static string Version(Assembly assembly) =>
        assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion.Split('+', ' ')[0].TrimEnd('.')
        ?? assembly.GetName().Version?.ToString() ?? "unknown";

    private static string CpuModel()
    {
        try
        {
            var line = File.ReadLines("/proc/cpuinfo").FirstOrDefault(l => l.StartsWith("model name", StringComparison.Ordinal));
            if (line is not null) return line[(line.IndexOf(':') + 1)..].Trim();
        }
        catch (IOException) { }
        catch (UnauthorizedAccessException) { }
        return RuntimeInformation.ProcessArchitecture.ToString();
    }

    private static double TotalMemoryGiB()
    {
        try
        {
            var line = File.ReadLines("/proc/meminfo").FirstOrDefault(l => l.StartsWith("MemTotal:", StringComparison.Ordinal));
            if (line is not null)
            {
                var kib = double.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], System.Globalization.CultureInfo.InvariantCulture);
                return kib / (1024 * 1024);
            }
        }
        catch (IOException) { }
        catch (UnauthorizedAccessException) { }
        return GC.GetGCMemoryInfo().TotalAvailableMemoryBytes / (1024.0 * 1024 * 1024);
    }

    private static string GitCommit()
    {
        var head = Git("rev-parse --short=12 HEAD");
        if (head is null) return "unknown (git not available)";
        var dirty = Git("status --porcelain --untracked-files=no -- . :!bench/results");
        return string.IsNullOrWhiteSpace(dirty) ? head : $"{head} + uncommitted changes";
    }

    private static string? Git(string arguments)
    {
        try
        {
            using var process = Process.Start(new ProcessStartInfo("git", arguments)
            {
                WorkingDirectory = RepoPaths.Root,
                RedirectStandardOutput = true,
                RedirectStandardError = true,
                UseShellExecute = false,
            });
            if (process is null) return null;
            var output = process.StandardOutput.ReadToEnd().Trim();
            process.WaitForExit(5000);
            return process.ExitCode == 0 ? output : null;
        }
        catch (System.ComponentModel.Win32Exception)
        {
            return null;
        }
    }
}
