using System.CommandLine;
using Orleans.Runtime.Messaging;
using Unlearning.Cli.Output;

namespace Unlearning.Cli;

/// <summary>What all commands share: the output writers, the global options and the way to reach the cluster.</summary>
internal sealed class CliContext(TextWriter stdout, TextWriter stderr, ClusterConnector connect, Func<string, string?> environment)
{
    public GlobalOptions Options { get; } = new();

    /// <summary>Runs a command's body, turning any failure into one "error: ..." line on stderr and a non-zero exit code.</summary>
    public async Task<int> RunAsync(ParseResult parse, CancellationToken cancellationToken, Func<Invocation, CancellationToken, Task> body)
    {
        var json = parse.GetValue(Options.Json);
        var target = Options.Target(parse, environment, out var targetError);
        if (target is null)
        {
            await stderr.WriteLineAsync($"error: {targetError}");
            return ExitCodes.Usage;
        }

        var output = Writer(json);
        return await GuardAsync(async () =>
        {
            await using var invocation = new Invocation(target, connect, output, ProgressDisplay.For(stderr, json));
            await body(invocation, cancellationToken);
        }, e => Describe(e, target), cancellationToken);
    }

    /// <summary>
    /// As <see cref="RunAsync(ParseResult, CancellationToken, Func{Invocation, CancellationToken, Task})"/> for a command
    /// that never reaches the cluster: the cluster options and environment are not even read.
    /// </summary>
    public Task<int> RunLocalAsync(ParseResult parse, CancellationToken cancellationToken, Func<IResultWriter, CancellationToken, Task> body)
    {
        var output = Writer(parse.GetValue(Options.Json));
        return GuardAsync(() => body(output, cancellationToken), e => OneLine(e.Message), cancellationToken);
    }

    private IResultWriter Writer(bool json) => json ? new JsonResultWriter(stdout) : new HumanResultWriter(Terminal.On(stdout));

    private async Task<int> GuardAsync(Func<Task> body, Func<Exception, string> describe, CancellationToken cancellationToken)
    {
        try
        {
            await body();
            return ExitCodes.Success;
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            await stderr.WriteLineAsync("error: cancelled");
            return ExitCodes.Cancelled;
        }
        catch (Exception e)
        {
            await stderr.WriteLineAsync($"error: {describe(e)}");
            return ExitCodes.Failure;
        }
    }

    private static string Describe(Exception e, ClusterTarget target)
    {
        var message = e is OrleansMessageRejectionException or ConnectionFailedException
            ? $"lost the connection to the cluster {target.Where}: {e.Message}"
            : e.Message;
        return OneLine(target.Scrub(message));
    }

    public static string OneLine(string message) =>
        string.Join(' ', message.Split(['\r', '\n'], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries));
}
