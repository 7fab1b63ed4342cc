namespace Unlearning.Bench.Runner;

public enum BenchMode
{
    /// <summary>Tiny sizes, one run: proves every scenario still runs (CI).</summary>
    Smoke,
    /// <summary>The default: a few minutes on 2 cores.</summary>
    Quick,
    /// <summary>The large sizes (1M records).</summary>
    Full,
}

public sealed record BenchOptions(IReadOnlyList<string> Scenarios, BenchMode Mode, string OutDirectory, string? DataDirectory,
    Infrastructure.ClusterTransport Transport)
{
    public const string Usage = """
        usage: dotnet run -c Release --project bench -- [scenario...] [--full | --smoke] [--out DIR] [--data DIR]

          scenario   any of: forget serving availability accuracy ingest growth certified audit scale slicing (or their numbers: 1-10); default: all
          --full     the large sizes (1M records); quick mode otherwise (a few minutes on 2 cores)
          --smoke    tiny sizes and one run, seconds: checks that every scenario still runs
          --out DIR  where latest.md, latest.json and the charts go
                     (default bench/results, or bench/results/smoke with --smoke)
          --data DIR the shared data sets (default: shared/data beside the checkout)
          --cluster tcp|testinghost
                     tcp (default): silos in this process on loopback TCP, reached by a separate Orleans client;
                     testinghost: InProcessTestClusterBuilder and its client (in-memory transport, no sockets)

        Exit code: 0 when every scenario ran (missed targets included), 1 when one threw, 2 on bad arguments.
        """;

    /// <summary>Parses the command line; returns null and writes why to <paramref name="error"/> when it is wrong.</summary>
    public static BenchOptions? Parse(string[] args, IReadOnlyList<string> known, Func<string, string?> resolve, out string? error, out bool help)
    {
        error = null;
        help = false;
        var scenarios = new List<string>();
        var mode = BenchMode.Quick;
        string? outDirectory = null, dataDirectory = null;
        var transport = Infrastructure.ClusterTransport.Tcp;
        for (var i = 0; i < args.Length; i++)
        {
            var arg = args[i];
            switch (arg)
            {
                case "-h" or "--help":
                    help = true;
                    return null;
                case "--full":
                    if (mode == BenchMode.Smoke) { error = "--full and --smoke exclude each other"; return null; }
                    mode = BenchMode.Full;
                    break;
                case "--smoke":
                    if (mode == BenchMode.Full) { error = "--full and --smoke exclude each other"; return null; }
                    mode = BenchMode.Smoke;
                    break;
                case "--cluster":
                    if (i + 1 >= args.Length || !Enum.TryParse(args[i + 1], ignoreCase: true, out transport) || !Enum.IsDefined(transport))
                    {
                        error = "--cluster needs tcp or testinghost";
                        return null;
                    }
                    i++;
                    break;
                case "--out" or "--data":
                    if (i + 1 >= args.Length) { error = $"{arg} needs a directory"; return null; }
                    if (arg == "--out") outDirectory = args[++i];
                    else dataDirectory = args[++i];
                    break;
                default:
                    if (arg.StartsWith('-')) { error = $"unknown option '{arg}'"; return null; }
                    var name = resolve(arg);
                    if (name is null) { error = $"unknown scenario '{arg}'; known: {string.Join(", ", known)}"; return null; }
                    if (!scenarios.Contains(name)) scenarios.Add(name);
                    break;
            }
        }
        if (scenarios.Count == 0) scenarios.AddRange(known);
        outDirectory ??= mode == BenchMode.Smoke
            ? Path.Combine(RepoPaths.Root, "bench", "results", "smoke")
            : Path.Combine(RepoPaths.Root, "bench", "results");
        return new BenchOptions(scenarios, mode, Path.GetFullPath(outDirectory), dataDirectory is null ? null : Path.GetFullPath(dataDirectory), transport);
    }
}
