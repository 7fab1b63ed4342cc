using Microsoft.Extensions.Hosting;
using Unlearning.Client.Security;
using Unlearning.TestKit;
using Unlearning.Tests.Support;

namespace Unlearning.Tests.Security;

/// <summary>One Silo process with mutual TLS and tokens (a development set), and a trained model to call.</summary>
public sealed class SecureSiloFixture : IAsyncLifetime
{
    public const string Model = "guarded";

    /// <summary>A certified model, for its budgets.</summary>
    public const string CertifiedModel = "guarded-certified";

    public SecureCredentials Credentials { get; } = new();
    public string ClusterId { get; } = $"sec-{Guid.NewGuid():N}"[..16];
    public SiloProcess Silo { get; private set; } = null!;

    /// <summary>The Orleans Dashboard's port, on loopback.</summary>
    public int DashboardPort { get; } = FreePorts.One();

    public static string Data(string file) => Path.Combine(AppContext.BaseDirectory, "data", file);

    public async Task InitializeAsync()
    {
        Silo = SiloProcess.Start("secure", ["--storage", "memory", "--cluster-id", ClusterId, "--dashboard-port", $"{DashboardPort}", .. Credentials.SiloArguments]);
        await Silo.WaitReadyAsync(TimeSpan.FromSeconds(60));
        var admin = Credentials.Token(Roles.Admin);
        foreach (var step in new[]
        {
            new[] { "create", Model, "--schema", Data("wdbc_train.csv"), "--shards", "2", "--slices", "2" },
            ["ingest", Model, Data("wdbc_train.csv")],
            ["train", Model],
            ["create", CertifiedModel, "--schema", Data("wdbc_train.csv"), "--shards", "2", "--unlearning", "certified", "--epsilon", "10",
                "--delta", "1e-5", "--lambda", "0.01"],
            ["ingest", CertifiedModel, Data("wdbc_train.csv")],
            ["train", CertifiedModel],
        })
        {
            var result = await RunAsync([.. step, "--token", admin]);
            if (result.Exit != 0) throw new InvalidOperationException($"{string.Join(' ', step)}: {result.Stderr}\n{Silo.Output}");
        }
    }

    public Task DisposeAsync()
    {
        Silo.Dispose();
        Credentials.Dispose();
        return Task.CompletedTask;
    }

    /// <summary>A raw Orleans client of the silo, secured as <paramref name="security"/> says; started.</summary>
    public Task<IHost> ConnectAsync(ClientSecurity security) => GatewayClient.ConnectAsync(Silo.GatewayPort, ClusterId, security);

    /// <summary>The CLI, in this process, against the silo with the development client certificate (unless the arguments give TLS options).</summary>
    public async Task<CliRun> RunAsync(params string[] args)
    {
        IEnumerable<string> tls = args.Contains("--tls-ca") || args.Contains("--plain") ? [] : Credentials.ClientArguments;
        string[] connection = ["--gateway", $"127.0.0.1:{Silo.GatewayPort}", "--cluster-id", ClusterId, .. tls];
        var run = await CliRun.RunAsync([.. args.Where(a => a != "--plain"), .. connection]);
        return run with { Stderr = run.Stderr.Trim() };
    }
}
