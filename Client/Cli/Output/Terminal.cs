using Spectre.Console;

namespace Unlearning.Cli.Output;

internal static class Terminal
{
    /// <summary>A Spectre console writing to <paramref name="writer"/>; colors and live displays only if it is a terminal.</summary>
    public static IAnsiConsole On(TextWriter writer) => AnsiConsole.Create(new AnsiConsoleSettings
    {
        Out = new AnsiConsoleOutput(writer),
        Ansi = AnsiSupport.Detect,
        ColorSystem = ColorSystemSupport.Detect,
        Interactive = InteractionSupport.Detect,
    });
}
