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
    /// Runs <paramref name="work"/>, which reads <paramref name="source"/>; the bar follows how far it has been read as the
    /// cluster answers each batch. A command that prints rows as it goes (<paramref name="printsRows"/>) gets no bar when
    /// stdout is a terminal too: its rows show the progress, and would tear the bar.
    /// </summary>
    public Task RunAsync(string description, CsvSource source, Func<Task> work, bool printsRows = false)
    {
        long read = 0;
        return RunAsync(description, source.Length, () => read, async advance =>
        {
            source.Progress = new Bar(bytes =>
            {
                read = bytes;
                advance();
            });
            try
            {
                await work();
            }
            finally
            {
                source.Progress = null;
            }
        }, printsRows);
    }

    /// <summary>As <see cref="RunAsync(string, CsvSource, Func{Task}, bool)"/>, for any file of <paramref name="length"/> bytes read up to <paramref name="position"/>; <paramref name="work"/> calls the callback it receives after each part.</summary>
    public Task RunAsync(string description, long length, Func<long> position, Func<Action, Task> work, bool printsRows = false, long minBytes = MinBytes)
    {
        if (!enabled || length < minBytes || (printsRows && stdoutIsTerminal)) return work(() => { });
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

    private sealed class Bar(Action<long> bytesRead) : IProgress<CsvProgress>
    {
        public void Report(CsvProgress value) => bytesRead(value.BytesRead);
    }
}
