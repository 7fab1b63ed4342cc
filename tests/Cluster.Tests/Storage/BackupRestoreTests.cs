using System.Diagnostics;
using Npgsql;
using Unlearning.TestKit;
using Unlearning.Tests.Support;
using static Unlearning.Tests.Support.ModelHelpers;

namespace Unlearning.Tests.Storage;

/// <summary>
/// The README's PostgreSQL backup and restore commands, run as written (only the database name changed): a model
/// backed up, then changed by a forget, serves after the restore exactly what it served when it was backed up.
/// </summary>
public sealed class BackupRestoreTests
{
    [Fact]
    public async Task The_readme_backup_restores_a_model_as_it_was_when_backed_up()
    {
        await using var database = await TestPostgres.CreateDatabaseAsync("backup");
        if (database is null) return; // no PostgreSQL outside CI; under CI=true this fails instead
        var storage = database.Storage();
        var (backup, restore) = ReadmeCommands();
        using var directory = new TempDirectory("backup");
        var data = Dataset.Wdbc();
        var (train, holdout) = data.Split();
        var rows = Rows(holdout);
        var name = ClusterFixture.UniqueName("backup");

        PredictionBatch backedUp;
        long records;
        await using (var cluster = await StorageCluster.StartAsync(storage))
        {
            var model = cluster.Model(name);
            await model.Create(data.Config(name, 2, 2));
            await model.Ingest(train);
            await model.Train();
            backedUp = await model.Predict(rows);
            records = (await model.GetStatus()).Records;
        }
        await RunAsync(backup, database, directory.Path);

        await using (var cluster = await StorageCluster.StartAsync(storage))
        {
            var model = cluster.Model(name);
            Assert.True((await model.Forget(train[3].Subject)).RecordsRemoved > 0);
            Assert.NotEqual(backedUp.Version, (await model.Predict(rows)).Version);
        }
        await RunAsync(restore, database, directory.Path);

        await using (var cluster = await StorageCluster.StartAsync(storage))
        {
            var model = cluster.Model(name);
            var restored = await model.Predict(rows);
            Assert.Equal(backedUp.Version, restored.Version);
            Assert.Equal(backedUp.Predictions.Select(p => Bits(p.Probabilities)), restored.Predictions.Select(p => Bits(p.Probabilities)));
            Assert.Equal(records, (await model.GetStatus()).Records);
            // Every shard's records came back readable: a forget finds the subject's records and retrains.
            Assert.True((await model.Forget(train[3].Subject)).RecordsRemoved > 0);
        }
    }

    /// <summary>The command lines of the README's backup block: the pg_dump line, and the restore's lines after it.</summary>
    private static (string[] Backup, string[] Restore) ReadmeCommands()
    {
        var readme = File.ReadAllLines(Path.Combine(Repository.Root(), "README.md"));
        var start = Array.FindIndex(readme, line => line.StartsWith("**Backups.**", StringComparison.Ordinal));
        Assert.True(start >= 0, "the README has no Backups paragraph");
        var block = readme.Skip(start).SkipWhile(line => line != "```").Skip(1).TakeWhile(line => line != "```")
            .Where(line => line.StartsWith("pg_dump ", StringComparison.Ordinal) || line.StartsWith("psql ", StringComparison.Ordinal)
                || line.StartsWith("pg_restore ", StringComparison.Ordinal))
            .ToArray();
        var dump = Array.FindIndex(block, line => line.StartsWith("pg_dump ", StringComparison.Ordinal));
        Assert.True(dump >= 0 && block.Length > dump + 1, "the README's backup block has no pg_dump line with restore lines after it");
        return ([block[dump]], block[(dump + 1)..]);
    }

    /// <summary>Runs README command lines in bash as an operator would, in <paramref name="workingDirectory"/>, against the test's database.</summary>
    private static async Task RunAsync(string[] lines, TestDatabase database, string workingDirectory)
    {
        var server = new NpgsqlConnectionStringBuilder(database.ConnectionString);
        foreach (var line in lines)
        {
            Assert.Contains(" -d postgres ", line);
            var command = line.Replace(" -d postgres ", $" -d {database.Name} ", StringComparison.Ordinal);
            var start = new ProcessStartInfo("bash", ["-euo", "pipefail", "-c", command])
            {
                WorkingDirectory = workingDirectory,
                RedirectStandardOutput = true,
                RedirectStandardError = true,
            };
            start.Environment["PG_PRIVATE_PORT"] = server.Port.ToString(System.Globalization.CultureInfo.InvariantCulture);
            using var process = Process.Start(start)!;
            var output = process.StandardOutput.ReadToEndAsync();
            var error = process.StandardError.ReadToEndAsync();
            await process.WaitForExitAsync();
            Assert.True(process.ExitCode == 0, $"{command}\nexit {process.ExitCode}\n{await output}{await error}");
        }
    }
}
