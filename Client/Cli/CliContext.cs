using System.CommandLine;
using System.CommandLine.Parsing;
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
        var command = parse.CommandResult.Command.Name;
        // A watch runs until Ctrl+C, unless --timeout says otherwise.
        var watching = parse.CommandResult.Children.Any(c => c is OptionResult { Option.Name: "--watch", Implicit: false });
        var timeout = parse.GetValue(Options.Timeout) ?? (watching ? CommandTimeouts.Max : CommandTimeouts.DefaultFor(command));
        var model = parse.CommandResult.Command.Arguments.FirstOrDefault(a => a.Name == "model") is Argument<string> argument
            ? parse.GetValue(argument) : null;
        var ifInterrupted = CommandTimeouts.IfInterrupted(command, model, parse.CommandResult.Children.Any(c => c is OptionResult { Option.Name: "--dry-run", Implicit: false }));
        using var deadline = new CancellationTokenSource(timeout);
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, deadline.Token);
        // Whether the connection was lost when the command failed: stopping the client afterwards loses it too.
        var lost = false;
        return await GuardAsync(async () =>
        {
            await using var invocation = new Invocation(target, connect, output, ProgressDisplay.For(stderr, stdout, json), stop.Token);
            try
            {
                await body(invocation, stop.Token);
            }
            catch (Exception) when (Note(lost = invocation.ConnectionLost))
            {
                throw;
            }
        }, e => e switch
        {
            _ when lost => $"lost the connection to the cluster {target.Where} before the answer; {ifInterrupted}",
            OperationCanceledException or TimeoutException when deadline.IsCancellationRequested =>
                $"no answer within {Durations.Format(timeout)} (--timeout); {ifInterrupted}",
            AnswerLostException answerLost => $"{answerLost.Message}; {ifInterrupted}",
            _ => Describe(e, target),
        }, cancellationToken, e => lost || deadline.IsCancellationRequested || e is AnswerLostException ? ExitCodes.Unanswered : ExitCodes.Failure);

        // An exception filter runs before the invocation is disposed; it only looks.
        static bool Note(bool _) => false;
    }

    /// <summary>
    /// As <see cref="RunAsync(ParseResult, CancellationToken, Func{Invocation, CancellationToken, Task})"/> for a command
    /// that never reaches the cluster: the cluster options and environment are not even read.
    /// </summary>
    public Task<int> RunLocalAsync(ParseResult parse, CancellationToken cancellationToken, Func<IResultWriter, CancellationToken, Task> body)
    {
        var output = Writer(parse.GetValue(Options.Json));
        return GuardAsync(() => body(output, cancellationToken), e => OneLine(e.Message), cancellationToken, _ => ExitCodes.Failure);
    }

    private IResultWriter Writer(bool json) => json ? new JsonResultWriter(stdout) : new HumanResultWriter(Terminal.On(stdout));

    private async Task<int> GuardAsync(Func<Task> body, Func<Exception, string> describe, CancellationToken cancellationToken, Func<Exception, int> exitCode)
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
        catch (AccessDeniedException e)
        {
            // Starts "unauthenticated:" or "forbidden:", for scripts to match.
            await stderr.WriteLineAsync(OneLine(e.Message));
            return ExitCodes.Denied;
        }
        catch (Exception e)
        {
            await stderr.WriteLineAsync($"error: {OneLine(describe(e))}");
            return exitCode(e);
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
