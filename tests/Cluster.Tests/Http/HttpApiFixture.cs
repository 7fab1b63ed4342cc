using Unlearning.Client.Security;
using Unlearning.TestKit;
using Unlearning.Tests.Security;
using Unlearning.Tests.Support;

namespace Unlearning.Tests.Http;

/// <summary>
/// One Silo process with mutual TLS, tokens and the HTTP API (HTTPS with the silo's certificate) on a port of its own,
/// small limits to reach (<see cref="MaxBodyBytes"/>, <see cref="RateLimit"/> requests a minute per caller), and a
/// model trained through the CLI to call over both.
/// </summary>
public sealed class HttpApiFixture : IAsyncLifetime
{
    public const string Model = "web";
    public const long MaxBodyBytes = 256 * 1024;
    public const int RateLimit = 40;

    public SecureCredentials Credentials { get; } = new();
    public string ClusterId { get; } = $"http-{Guid.NewGuid():N}"[..16];
    public int HttpPort { get; } = FreePorts.One();
    public SiloProcess Silo { get; private set; } = null!;
    public HttpApiClient Http { get; private set; } = null!;

    public static string Data(string file) => Path.Combine(AppContext.BaseDirectory, "data", file);

    /// <summary>A token with <paramref name="roles"/> for the caller <paramref name="subject"/>: rate limits count per caller.</summary>
    public string Token(string subject, params string[] roles) => Credentials.Token(new TokenRequest(roles) { Subject = subject });

    public async Task InitializeAsync()
    {
        Silo = SiloProcess.Start("http", ["--storage", "memory", "--cluster-id", ClusterId, .. Credentials.SiloArguments,
            "--http-port", $"{HttpPort}", "--Http:MaxBodyBytes", $"{MaxBodyBytes}", "--Http:RateLimit", $"{RateLimit}", "--Http:RateWindow", "00:01:00"]);
        await Silo.WaitReadyAsync(TimeSpan.FromSeconds(60));
        Http = new HttpApiClient(Credentials.Files.Path(DevSetup.CaFile), HttpPort);
        var admin = Credentials.Token(Roles.Admin);
        foreach (var step in new[]
        {
            new[] { "create", Model, "--schema", Data("wdbc_train.csv"), "--shards", "2", "--slices", "2" },
            ["ingest", Model, Data("wdbc_train.csv")],
            ["train", Model],
        })
        {
            var result = await CliAsync([.. step, "--token", admin]);
            if (result.Exit != 0) throw new InvalidOperationException($"{string.Join(' ', step)}: {result.Stderr}\n{Silo.Output}");
        }
    }

    public Task DisposeAsync()
    {
        Http?.Dispose();
        Silo?.Dispose();
        Credentials.Dispose();
        return Task.CompletedTask;
    }

    /// <summary>The CLI, in this process, over the grain API with the development client certificate.</summary>
    public async Task<CliRun> CliAsync(params string[] args)
    {
        var run = await CliRun.RunAsync([.. args, "--gateway", $"127.0.0.1:{Silo.GatewayPort}", "--cluster-id", ClusterId, .. Credentials.ClientArguments]);
        return run with { Stderr = run.Stderr.Trim() };
    }
}
