using System.Diagnostics;

namespace Unlearning.Tests.Hosting;

public sealed class SiloHelpTests
{
    [Theory]
    [InlineData("--help")]
    [InlineData("-h")]
    public async Task The_silo_explains_its_options_and_starts_nothing(string flag)
    {
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true };
        start.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "Silo.dll"));
        start.ArgumentList.Add(flag);
        using var process = Process.Start(start)!;
        var output = await process.StandardOutput.ReadToEndAsync();
        await process.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(60));

        Assert.Equal(0, process.ExitCode);
        Assert.StartsWith("Usage: ", output);
        foreach (var option in new[] { "--postgres", "--data-dir", "--gateway-port", "--silo-port", "--dashboard-port", "--http-port", "--storage", "--tls-cert", "--tls-key", "--tls-ca", "--auth-public-key", "--jwks", "--insecure", "--metrics-port", "--metrics-host", "--otlp-endpoint", "--kubernetes" })
            Assert.Contains(option, output);
        Assert.DoesNotContain("Silo ready", output);
    }
}
