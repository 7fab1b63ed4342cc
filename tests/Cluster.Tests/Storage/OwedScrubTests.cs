using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging.Abstractions;
using Npgsql;
using Unlearning.Learning;
using Unlearning.Silo.Storage;
using Unlearning.Storage;
using Unlearning.TestKit;
using Unlearning.Tests.Support;
using Unlearning.Wire;

namespace Unlearning.Tests.Storage;

/// <summary>
/// A forget whose silo writes and then stops before its vacuum (here: a scrubber that notes the debt and never pays it)
/// leaves the forgotten records in PostgreSQL's table files; the periodic maintenance finds the debt in scrub_owed,
/// vacuums that partition, and nothing of the subject is left.
/// </summary>
public sealed class OwedScrubTests
{
    [Fact]
    public async Task A_forget_cut_short_before_its_vacuum_is_scrubbed_by_the_maintenance()
    {
        await using var database = await TestPostgres.CreateDatabaseAsync("owed");
        if (database is null) return; // no PostgreSQL outside CI; under CI=true this fails instead
        var storage = database.Storage(TestDatabase.OwnScrubOnly);
        var data = Dataset.Wdbc();
        var train = StorageAudit.WithUniqueFeatures(data.Split().Train).ToArray();
        var name = ClusterFixture.UniqueName("owed");
        var subject = train[17].Subject;
        var needles = StorageAudit.NeedlesOf(train.Where(r => r.Subject == subject));

        // Any read of a page may prune the dead versions on it that no snapshot can see any more (TOAST pages, full of
        // chunks, nearly always qualify), so whether the positive control below still finds them would be chance. A
        // session whose snapshot predates the forget keeps them, as a report running beside it would, until it ends.
        await using var snapshot = await database.HoldSnapshotAsync();

        await using (var cluster = await StorageCluster.StartAsync(storage, configure: silo => silo.Services.Replace(
            ServiceDescriptor.Singleton<IForgottenDataScrubber>(services => new NeverPays(services.GetRequiredService<GrainStateScrubber>())))))
        {
            var model = cluster.Model(name);
            await model.Create(data.Config(name, 2, 2));
            await model.Ingest(train);
            await model.Train();
            Assert.True((await model.Forget(subject)).RecordsRemoved > 0);
        }
        var (left, filesRead) = await StorageAudit.PostgresStoreAsync(database.ConnectionString);
        Assert.True(filesRead || !SharedData.RequiredByCi, "CI could not read the PostgreSQL table files");
        if (!filesRead) return; // the rows alone cannot show a dead version: outside CI, without access to the files
        // Positive control: the forget's dead row versions are in the files, and its debt is noted.
        Assert.NotEmpty(StorageAudit.Find(left, needles));
        Assert.Contains(ShardKey.For(name, Partitioning.ShardOf(subject, 2)), await OwedAsync(database.ConnectionString));
        await snapshot.Transaction.CommitAsync();

        var maintenance = new GrainStateScrubber(storage.Validated(), NullLogger<GrainStateScrubber>.Instance);
        // A debt younger than the grace belongs to a forget that may still be running: not paid.
        Assert.False(await maintenance.ScrubOwedAsync(TimeSpan.FromMinutes(10), wait: true));
        Assert.True(await maintenance.ScrubOwedAsync(TimeSpan.Zero, wait: true));
        var (after, _) = await StorageAudit.PostgresStoreAsync(database.ConnectionString);
        var traces = StorageAudit.Find(after, needles);
        Assert.True(traces.Count == 0, "still stored after the maintenance:\n" + string.Join("\n", traces.Take(20)));
        Assert.Empty(await OwedAsync(database.ConnectionString));
    }

    private static async Task<List<string>> OwedAsync(string connectionString)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand("SELECT grain_key FROM scrub_owed", connection);
        await using var reader = await command.ExecuteReaderAsync();
        var keys = new List<string>();
        while (await reader.ReadAsync()) keys.Add(reader.GetString(0));
        return keys;
    }

    /// <summary>A silo that stops between a forget's writes and its vacuum, every time.</summary>
    private sealed class NeverPays(IForgottenDataScrubber inner) : IForgottenDataScrubber
    {
        public Task OweAsync(IReadOnlyCollection<string> grainKeys, CancellationToken cancellationToken) => inner.OweAsync(grainKeys, cancellationToken);

        public Task ScrubAsync(IReadOnlyCollection<string> grainKeys, CancellationToken cancellationToken) => Task.CompletedTask;
    }
}
