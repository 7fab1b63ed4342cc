using System.Diagnostics;

namespace Unlearning.Silo;

/// <summary>
/// Orleans 10.4's watchdog starts its platform thread before it stamps the component check's first timestamp, so its
/// very first round measures from timestamp zero (machine boot) and warns "Participant check thread has not completed
/// for" the machine's uptime. Its warnings in the first seconds of the process are that race, nothing real: they are
/// dropped; errors, and everything later, pass.
/// </summary>
internal static class StartupWatchdogFilter
{
    private const string Category = "Orleans.Runtime.Watchdog";
    private static readonly TimeSpan Window = TimeSpan.FromSeconds(15);
    private static readonly Stopwatch SinceStart = Stopwatch.StartNew();

    public static ILoggingBuilder DropStartupRace(this ILoggingBuilder logging) =>
        logging.AddFilter(Category, level => level >= LogLevel.Error || SinceStart.Elapsed > Window);
}
