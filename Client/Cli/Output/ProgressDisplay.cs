using Spectre.Console;

namespace Unlearning.Cli.Output;

/// <summary>
/// A progress bar on stderr for work spanning several batches; silent unless stderr is a terminal and
/// the output is for people, so it can never mix into --json output or a redirected log.
/// </summary>
internal sealed class ProgressDisplay(IAnsiConsole stderr, bool enabled)
{
    /// <summary>Runs <paramref name="work"/>, which reports each batch's row count to the callback it receives.</summary>
    public Task RunAsync(string description, int rows, int batchSize, Func<Action<int>, Task> work)
    {
        if (!enabled || rows <= batchSize)
        {
            return work(_ => { });
        }

        return stderr.Progress()
            .AutoClear(true)
            .StartAsync(context =>
            {
                var task = context.AddTask(description, maxValue: rows);
                return work(done => task.Increment(done));
            });
    }

    public static ProgressDisplay For(TextWriter stderr, bool json)
    {
        var console = Terminal.On(stderr);
        return new ProgressDisplay(console, !json && console.Profile.Out.IsTerminal);
    }
}
