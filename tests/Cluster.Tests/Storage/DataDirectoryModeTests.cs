using Unlearning.Tests.Support;

namespace Unlearning.Tests.Storage;

public sealed class DataDirectoryModeTests
{
    [Fact]
    public async Task A_fresh_data_directory_and_its_files_are_readable_by_their_owner_only()
    {
        if (OperatingSystem.IsWindows()) return;
        using var parent = new TempDirectory("modes");
        var fresh = Path.Combine(parent.Path, "fresh");
        var loose = Path.Combine(parent.Path, "loose");
        Directory.CreateDirectory(loose, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute
            | UnixFileMode.GroupRead | UnixFileMode.GroupExecute | UnixFileMode.OtherRead | UnixFileMode.OtherExecute);

        foreach (var directory in new[] { fresh, loose })
        {
            using var silo = SiloProcess.Start("modes", ["--data-dir", directory, "--Logging:LogLevel:Default", "Warning"]);
            await silo.WaitReadyAsync(TimeSpan.FromSeconds(60));

            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute, File.GetUnixFileMode(directory));
            foreach (var file in Directory.GetFiles(directory))
                Assert.True(File.GetUnixFileMode(file) == (UnixFileMode.UserRead | UnixFileMode.UserWrite), $"{file}: {File.GetUnixFileMode(file)}");
            Assert.Contains(Directory.GetFiles(directory), f => f.EndsWith("silo.lock", StringComparison.Ordinal));
            // Orleans' watchdog warns of a "stall" as long as the machine's uptime at start-up; the silo drops that race.
            Assert.DoesNotContain("Participant check thread has not completed", silo.Output);
        }
    }
}
