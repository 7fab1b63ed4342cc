using System.Text.Json;
using Unlearning.Cli;

namespace Unlearning.Tests.Support;

/// <summary>One run of the CLI in-process (<see cref="Unlearn.RunAsync(string[], TextWriter, TextWriter, Func{string, CancellationToken, Task{IClusterClient}}?)"/>), its output captured.</summary>
public sealed record CliRun(int Exit, string Stdout, string Stderr)
{
    /// <summary>Runs the CLI with <paramref name="args"/>; <paramref name="connect"/> replaces its connection to the cluster.</summary>
    public static async Task<CliRun> RunAsync(IEnumerable<string> args, Func<string, CancellationToken, Task<IClusterClient>>? connect = null)
    {
        var stdout = new StringWriter();
        var stderr = new StringWriter();
        var exit = await Unlearn.RunAsync([.. args], stdout, stderr, connect);
        return new CliRun(exit, stdout.ToString(), stderr.ToString());
    }

    /// <summary>Runs the CLI and asserts it succeeded (its stderr, and <paramref name="context"/>, in the message if not).</summary>
    public static async Task<CliRun> SucceedAsync(IEnumerable<string> args, Func<string>? context = null)
    {
        var run = await RunAsync(args);
        Assert.True(run.Exit == 0, $"'{string.Join(' ', args.Take(2))}' exited {run.Exit}: {run.Stderr}{context?.Invoke()}");
        return run;
    }

    /// <summary>The first line of stdout as JSON (a streamed command prints one document per line).</summary>
    public JsonElement Json => JsonDocument.Parse(Stdout.Split('\n')[0]).RootElement;
}
