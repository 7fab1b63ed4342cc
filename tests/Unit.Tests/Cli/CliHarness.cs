using System.Text;
using Unlearning.Cli;

namespace Unlearning.Tests.Cli;

internal sealed record CliResult(int ExitCode, string Stdout, string Stderr, IReadOnlyList<string> Gateways)
{
    public string[] StdoutLines => Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);

    /// <summary>The single line a failing command must print.</summary>
    public string ErrorLine
    {
        get
        {
            var lines = Stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
            Assert.Single(lines);
            Assert.StartsWith("error: ", lines[0]);
            return lines[0];
        }
    }
}

/// <summary>Runs the CLI in-process against a fake cluster, in a temporary folder for input files.</summary>
internal sealed class CliHarness : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("unlearn-cli-").FullName;

    public (IClusterClient Client, FakeCluster Cluster) Fake { get; } = FakeCluster.Create();

    /// <summary>The environment variables the CLI sees: none unless a test sets them (the machine's are ignored).</summary>
    public Dictionary<string, string> Environment { get; } = [];

    public FakeModelGrain Model(string name, params string[] features) => Model(name, features, ["no", "yes"]);

    public FakeModelGrain Model(string name, string[] features, string[] labels)
    {
        var grain = new FakeModelGrain(name)
        {
            Config = new ModelConfig(name, features, labels, 8, 4, ModelConfig.DefaultLambda, EnsembleMode.Average, 100),
        };
        Fake.Cluster.Models[name] = grain;
        return grain;
    }

    public string File(string name, string content)
    {
        var path = Path.Combine(_folder, name);
        System.IO.File.WriteAllText(path, content);
        return path;
    }

    /// <summary>A file of <paramref name="rows"/> rows "r{i}", features x = i - rows/2 and y = 1, label yes when x > 0 (every 7th row wrong).</summary>
    public string Rows(string name, int rows)
    {
        var text = new StringBuilder("id,y,x,label\n");
        for (var i = 0; i < rows; i++)
        {
            var x = i - rows / 2;
            var label = (x > 0) ^ (i % 7 == 0) ? "yes" : "no";
            text.Append($"r{i},1,{x},{label}\n");
        }

        return File(name, text.ToString());
    }

    public async Task<CliResult> RunAsync(params string[] args)
    {
        var stdout = new StringWriter();
        return await RunAsync(stdout, args) with { Stdout = stdout.ToString() };
    }

    /// <summary>As <see cref="RunAsync(string[])"/> with stdout going to <paramref name="stdout"/>; the result's Stdout is empty.</summary>
    public async Task<CliResult> RunAsync(TextWriter stdout, params string[] args)
    {
        var stderr = new StringWriter();
        var gateways = new List<string>();
        var exitCode = await Unlearn.RunAsync(args, stdout, stderr, (gateway, _) =>
        {
            gateways.Add(gateway);
            return Task.FromResult(Fake.Client);
        }, name => Environment.GetValueOrDefault(name));
        return new CliResult(exitCode, "", stderr.ToString(), gateways);
    }

    public void Dispose() => Directory.Delete(_folder, recursive: true);
}
