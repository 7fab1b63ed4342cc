using System.Diagnostics;
using Unlearning.Bench.Data;
using Unlearning.Bench.Infrastructure;
using Unlearning.Bench.Results;
using Unlearning.Bench.Runner;
using Unlearning.Bench.Scenarios;
using Unlearning.TestKit;

IScenario[] all =
[
    new ForgetCostScenario(),
    new ServingScenario(),
    new AvailabilityScenario(),
    new AccuracyScenario(),
    new IngestTrainScenario(),
    new GrowthScenario(),
    new CertifiedCalibrationScenario(),
    new AuditScenario(),
    new ScaleScenario(),
    new SlicingScenario(),
];

string? Resolve(string arg)
{
    if (int.TryParse(arg, out var number)) return all.FirstOrDefault(s => s.Id.StartsWith($"{number}-", StringComparison.Ordinal))?.Name;
    return all.FirstOrDefault(s => string.Equals(s.Name, arg, StringComparison.OrdinalIgnoreCase)
                                   || string.Equals(s.Id, arg, StringComparison.OrdinalIgnoreCase))?.Name;
}

var options = BenchOptions.Parse(args, [.. all.Select(s => s.Name)], Resolve, out var error, out var help);
if (help)
{
    Console.WriteLine(BenchOptions.Usage);
    return 0;
}
if (options is null)
{
    Console.Error.WriteLine($"bench: {error}");
    Console.Error.WriteLine(BenchOptions.Usage);
    return 2;
}

BenchCluster.Transport = options.Transport;
var settings = BenchSettings.For(options.Mode);
var data = new DataSets(options.DataDirectory ?? SharedData.Directory(RepoPaths.Root), RepoPaths.Root);
var report = new BenchReport
{
    Command = "dotnet run -c Release --project bench" + (args.Length == 0 ? "" : " -- " + string.Join(' ', args)),
    Mode = options.Mode.ToString().ToLowerInvariant(),
    StartedUtc = DateTimeOffset.UtcNow,
    Machine = MachineInfo.Collect(),
    Settings = [.. settings.Describe(), new("transport", options.Transport == ClusterTransport.Tcp
            ? "TCP on loopback: silo hosts in this process, separate Orleans client"
            : "InProcessTestCluster's in-memory transport (no sockets)"), new("shared data", data.SharedDirectory ?? "not found (scenarios that need it say so)")],
};

Console.WriteLine("Unlearning cluster benchmark");
foreach (var (key, value) in report.Machine.Concat(report.Settings)) Console.WriteLine($"  {key}: {value}");
if (!MachineInfo.IsReleaseBuild) Console.WriteLine("  WARNING: Debug build; run with -c Release for figures that mean anything.");

Directory.CreateDirectory(options.OutDirectory);
var context = new BenchContext(settings, data);
var total = Stopwatch.StartNew();
var failed = false;
foreach (var scenario in all.Where(s => options.Scenarios.Contains(s.Name)))
{
    var result = new ScenarioResult { Id = scenario.Id, Title = scenario.Title, Description = scenario.Description };
    report.Scenarios.Add(result);
    ConsoleTable.Header(result);
    await SettleAsync();
    var stopwatch = Stopwatch.StartNew();
    try
    {
        await scenario.RunAsync(context, new ScenarioRecorder(result));
    }
    catch (Exception e)
    {
        failed = true;
        result.Error = $"{e.GetType().Name}: {e.Message}";
        Console.WriteLine($"  SCENARIO FAILED: {e}");
    }
    result.ElapsedSeconds = stopwatch.Elapsed.TotalSeconds;
    foreach (var chart in result.Charts)
    {
        var file = $"{scenario.Id}-{chart.Name}.png";
        try
        {
            ChartWriter.Save(chart, Path.Combine(options.OutDirectory, file));
            result.ChartFiles.Add(file);
        }
        catch (Exception e)
        {
            failed = true;
            result.Error ??= $"chart {file}: {e.GetType().Name}: {e.Message}";
            Console.WriteLine($"  CHART FAILED: {file}: {e}");
        }
    }
    Console.WriteLine($"  ({result.ElapsedSeconds:0.0} s)");
    report.ElapsedSeconds = total.Elapsed.TotalSeconds;
    Write(report, options.OutDirectory);
    GC.Collect();
}
report.ElapsedSeconds = total.Elapsed.TotalSeconds;
Write(report, options.OutDirectory);

var rows = report.Scenarios.SelectMany(s => s.Rows).ToArray();
Console.WriteLine();
Console.WriteLine($"Targets: {rows.Count(r => r.Verdict == Verdict.Pass)} PASS, {rows.Count(r => r.Verdict == Verdict.Miss)} MISS, " +
                  $"{rows.Count(r => r.Verdict == Verdict.NotAvailable)} not available; " +
                  $"{report.Scenarios.Count(s => s.Error is not null)} scenario(s) failed; {total.Elapsed.TotalSeconds:0} s.");
Console.WriteLine($"Wrote {Path.Combine(options.OutDirectory, "latest.md")} and latest.json");
return failed ? 1 : 0;

static void Write(BenchReport report, string directory)
{
    File.WriteAllText(Path.Combine(directory, "latest.md"), MarkdownReport.Render(report));
    File.WriteAllText(Path.Combine(directory, "latest.json"), JsonReport.Render(report));
}

// Each scenario starts on a compacted heap with the last one's clusters gone, so its figures do not pay for
// the garbage of the scenario before it.
static async Task SettleAsync()
{
    System.Runtime.GCSettings.LargeObjectHeapCompactionMode = System.Runtime.GCLargeObjectHeapCompactionMode.CompactOnce;
    GC.Collect(2, GCCollectionMode.Forced, blocking: true, compacting: true);
    GC.WaitForPendingFinalizers();
    GC.Collect(2, GCCollectionMode.Forced, blocking: true, compacting: true);
    await Task.Delay(TimeSpan.FromSeconds(1));
}
