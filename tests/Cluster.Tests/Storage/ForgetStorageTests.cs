using Unlearning.Learning;
using Unlearning.Silo.Storage;
using Unlearning.TestKit;
using Unlearning.Tests.Support;
using Xunit.Abstractions;

namespace Unlearning.Tests.Storage;

/// <summary>After a forget has returned, the store holds nothing of the forgotten records nor of the weights trained on them.</summary>
public sealed class ForgetStorageTests(ITestOutputHelper output)
{
    private const int Shards = 4, Slices = 3;

    [Fact]
    public async Task Forgotten_records_leave_no_trace_in_sqlite_rows_nor_in_the_database_files()
    {
        using var directory = new TempDirectory("forget");
        var storage = new StorageOptions { Provider = StorageProvider.Sqlite, DataDirectory = directory.Path };
        var path = storage.SqlitePath;

        // The store runs in WAL mode: the audit reads the write-ahead log too, which each forget checkpoints and empties.
        // (It is looked for while the cluster runs: SQLite deletes it when the last connection closes.)
        var walAudited = false;
        await ForgetAndAuditAsync(storage,
            stored: () =>
            {
                walAudited |= File.Exists(path + "-wal");
                return Task.FromResult(StorageAudit.SqliteStore(path));
            },
            afterForgets: () => Task.CompletedTask);

        Assert.True(walAudited, "the audit did not see a write-ahead log");
    }

    [Fact]
    public async Task Forgotten_records_leave_no_trace_in_postgres_rows_nor_after_the_vacuum_in_the_table_files()
    {
        await using var database = await TestPostgres.CreateDatabaseAsync("forget");
        if (database is null) return; // no PostgreSQL outside CI; under CI=true this fails instead
        // Periodic vacuum off: what clears the dead row versions is the vacuum of the shard's partition that each
        // forget runs before it returns.
        var storage = database.Storage(TestDatabase.OwnScrubOnly);

        var audit = new PostgresStoreAudit(database.ConnectionString);
        await ForgetAndAuditAsync(storage,
            stored: audit.StoredAsync,
            afterForgets: async () =>
            {
                var files = await StorageAudit.PostgresGrainStateFilesAsync(database.ConnectionString);
                output.WriteLine(files is null
                    ? "table files not readable by this process: rows checked only"
                    : $"table files after the forgets: {files.Count} files, {files.Sum(f => f.Bytes.Length)} bytes");
            });
        audit.AssertFilesAuditedUnderCi();
    }

    private async Task ForgetAndAuditAsync(StorageOptions storage, Func<Task<List<(string Where, byte[] Bytes)>>> stored, Func<Task> afterForgets)
    {
        var data = Dataset.Wdbc();
        var (train, _) = data.Split();
        // Unique bytes for every value that must disappear; sixty records share one subject, so the shard's state shrinks a lot.
        train = StorageAudit.WithUniqueFeatures(train)
            .Select((r, i) => i < 60 ? r with { Subject = "subject-forget-family-7" } : i == 100 ? r with { Subject = "subject-forget-lone" } : r)
            .ToArray();
        string[] forgotten = ["subject-forget-family-7", "subject-forget-lone"];
        var gone = train.Where(r => forgotten.Contains(r.Subject)).ToArray();
        var kept = train.Where(r => !forgotten.Contains(r.Subject)).ToArray();

        var name = ClusterFixture.UniqueName("audit");
        await using var cluster = await StorageCluster.StartAsync(storage);
        var model = cluster.Model(name);
        await model.Create(data.Config(name, Shards, Slices));
        foreach (var batch in train.Chunk(100)) await model.Ingest(batch);
        await model.Train();

        // The weights every owning shard serves now were trained on the subjects: the last checkpoint.
        var owners = forgotten.Select(s => Partitioning.ShardOf(s, Shards)).Distinct().ToArray();
        var trainedOnThem = new List<Needle>();
        foreach (var owner in owners)
        {
            var weights = (await cluster.Shard(name, owner).GetSnapshot()).Weights!;
            trainedOnThem.AddRange(weights.Take(3).Select((w, k) => new Needle($"weight {k} served by shard {owner} before the forget", BitConverter.GetBytes(w))));
        }
        var needles = StorageAudit.NeedlesOf(gone).Concat(trainedOnThem).ToArray();

        // Positive control: the audit does see them while they are stored.
        var before = StorageAudit.Find(await stored(), needles);
        var rowsOnly = before.Where(f => !f.Contains(" in file ", StringComparison.Ordinal)).ToList();
        Assert.All(needles, n => Assert.Contains(rowsOnly, f => f.StartsWith(n.What + " in ", StringComparison.Ordinal)));

        foreach (var subject in forgotten)
            Assert.True((await model.Forget(subject)).RecordsRemoved > 0);
        await afterForgets();

        var after = StorageAudit.Find(await stored(), needles);
        Assert.True(after.Count == 0, "still stored after the forget:\n" + string.Join("\n", after.Take(20)));

        // The audit is not blind: records that were kept are still found.
        var keptNeedles = StorageAudit.NeedlesOf(kept.Take(5));
        Assert.Equal(keptNeedles.Length, StorageAudit.Find(await stored(), keptNeedles).Select(f => f.Split(" in ")[0]).Distinct().Count());
        output.WriteLine($"{storage.Describe()}: {needles.Length} forgotten byte sequences absent; {before.Count} sightings before the forget");
    }
}
