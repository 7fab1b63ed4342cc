using Unlearning.Tests.Support;

namespace Unlearning.Tests.Storage;

public sealed class DataDirectoryLockTests
{
    [Fact]
    public async Task A_second_embedded_silo_on_the_same_data_directory_refuses_to_start()
    {
        using var directory = new TempDirectory("lock");
        string[] arguments = ["--data-dir", directory.Path, "--Logging:LogLevel:Default", "Warning"];
        using var first = SiloProcess.Start("first", arguments);
        await first.WaitReadyAsync(TimeSpan.FromSeconds(60));

        using var second = SiloProcess.Start("second", arguments);
        var refused = await Assert.ThrowsAsync<InvalidOperationException>(() => second.WaitReadyAsync(TimeSpan.FromSeconds(60)));
        Assert.Contains("another silo is using the data directory", refused.Message);

        // SIGKILL leaves no chance to unlock: the kernel releases it, so the directory is usable again.
        first.Kill();
        using var third = SiloProcess.Start("third", arguments);
        await third.WaitReadyAsync(TimeSpan.FromSeconds(60));
    }
}
