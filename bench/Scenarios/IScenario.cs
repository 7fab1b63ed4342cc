using Unlearning.Bench.Data;
using Unlearning.Bench.Results;
using Unlearning.Bench.Runner;

namespace Unlearning.Bench.Scenarios;

public interface IScenario
{
    /// <summary>Short name for the command line, e.g. "forget".</summary>
    string Name { get; }
    /// <summary>Stable id used in file names and the summary, e.g. "1-forget-cost".</summary>
    string Id { get; }
    string Title { get; }
    string Description { get; }
    Task RunAsync(BenchContext context, ScenarioRecorder recorder);
}

public sealed class BenchContext(BenchSettings settings, DataSets data)
{
    public BenchSettings Settings { get; } = settings;
    public DataSets Data { get; } = data;
    public BenchMode Mode => Settings.Mode;
    public int Runs => Settings.Runs;
    public int WarmupRuns => Settings.WarmupRuns;

    /// <summary>A progress line on the console only (not in the report).</summary>
    public static void Progress(string message) => Console.WriteLine($"   .. {message}");
}

/// <summary>Collects a scenario's rows, printing each as it is added.</summary>
public sealed class ScenarioRecorder(ScenarioResult result)
{
    public ScenarioResult Result { get; } = result;

    public ResultRow Add(ResultRow row)
    {
        Result.Rows.Add(row);
        ConsoleTable.Row(row);
        return row;
    }

    public void Note(string note)
    {
        Result.Notes.Add(note);
        ConsoleTable.Note(note);
    }

    public void Chart(ChartSpec chart) => Result.Charts.Add(chart);
}
