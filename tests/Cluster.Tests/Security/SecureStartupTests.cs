using Unlearning.Tests.Support;

namespace Unlearning.Tests.Security;

/// <summary>Secure by default, in a real Silo process: what it refuses to start with, and what it says when it starts.</summary>
public sealed class SecureStartupTests
{
    /// <summary>
    /// The refusal is decided from the options before the host is built (nothing bound, no packet sent to the address):
    /// the process prints the refusal and exits before its "Storage:" line, the first thing it prints once it goes on.
    /// </summary>
    [Fact]
    public async Task A_silo_on_a_non_loopback_address_without_tls_and_tokens_refuses_to_start()
    {
        using var silo = SiloProcess.Start("exposed", ["--storage", "memory"], address: "10.11.12.13");

        Assert.Equal(2, await silo.WaitForExitAsync(TimeSpan.FromSeconds(60)));
        await Task.Delay(200); // the last lines of output
        Assert.Contains("error: refusing to start: the silo would listen (silo and gateway ports on 10.11.12.13) without TLS and tokens", silo.Output);
        Assert.Contains("--insecure", silo.Output);
        Assert.DoesNotContain("Storage:", silo.Output);
        Assert.DoesNotContain("Silo ready", silo.Output);
    }

    [Fact]
    public async Task Incomplete_security_settings_are_refused_naming_what_is_missing()
    {
        using var silo = SiloProcess.Start("half", ["--storage", "memory", "--tls-cert", "/nonexistent/silo.pem"]);

        Assert.Equal(2, await silo.WaitForExitAsync(TimeSpan.FromSeconds(60)));
        await Task.Delay(200);
        Assert.Contains("error: security settings missing: --tls-key, --tls-ca, --auth-public-key (or --jwks)", silo.Output);
        Assert.DoesNotContain("Storage:", silo.Output);
    }

    [Fact]
    public async Task Insecure_warns_at_start_and_the_loopback_default_says_one_line()
    {
        using var insecure = SiloProcess.Start("insecure", ["--storage", "memory", "--insecure", "--Logging:LogLevel:Default", "Warning"]);
        using var loopback = SiloProcess.Start("loopback", ["--storage", "memory", "--Logging:LogLevel:Default", "Warning"]);
        await Task.WhenAll(insecure.WaitReadyAsync(TimeSpan.FromSeconds(60)), loopback.WaitReadyAsync(TimeSpan.FromSeconds(60)));

        Assert.Contains("WARNING: --insecure: no TLS and no caller authentication", insecure.Output);
        Assert.DoesNotContain("WARNING", loopback.Output);
        var lines = loopback.Output.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Single(lines, l => l.StartsWith("Security:", StringComparison.Ordinal));
        Assert.StartsWith("Security: off; loopback only", lines[0]);
    }
}
