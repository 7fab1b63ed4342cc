using Spectre.Console;
using Unlearning.Client.Csv;

namespace Unlearning.Cli.Output;

/// <summary>
/// A progress bar on stderr for reading a file batch by batch; silent unless stderr is a terminal and the output is
/// for people, so it can never mix into --json output or a redirected log.
/// </summary>
internal sealed class ProgressDisplay(IAnsiConsole stderr, bool enabled, bool stdoutIsTerminal)
{
    /// <summary>Smaller files are read too quickly for a bar to help.</summary>
    public const long MinBytes = 1 << 20;

    /// <summary>
    /// Runs <paramref name="work"/>, which calls the callback it receives after each batch; the bar follows how far
    /// <paramref name="records"/> has been read. A command that prints rows as it goes (<paramref name="printsRows"/>)
    /// gets no bar when stdout is a terminal too: its rows show the progress, and would tear the bar.
    /// </summary>
    public Task RunAsync(string description, RecordStream records, Func<Action, Task> work, bool printsRows = false) =>
        RunAsync(description, records.Length, () => records.Position, work, printsRows);

    /// <summary>As the overload above, for any file of <paramref name="length"/> bytes read up to <paramref name="position"/>.</summary>
    public Task RunAsync(string description, long length, Func<long> position, Func<Action, Task> work, bool printsRows = false, long minBytes = MinBytes)
    {
        if (!enabled || length < minBytes || (printsRows && stdoutIsTerminal))
        {
            return work(() => { });
        }

        return stderr.Progress()
            .AutoClear(true)
            .StartAsync(context =>
            {
                var task = context.AddTask(description, maxValue: length);
                return work(() => task.Value = position());
            });
    }

    public static ProgressDisplay For(TextWriter stderr, TextWriter stdout, bool json)
    {
        var console = Terminal.On(stderr);
        return new ProgressDisplay(console, !json && console.Profile.Out.IsTerminal, Terminal.On(stdout).Profile.Out.IsTerminal);
    }
}
