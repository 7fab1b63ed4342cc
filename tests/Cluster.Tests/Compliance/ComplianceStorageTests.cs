using Unlearning.Silo.Storage;
using Unlearning.TestKit;
using Unlearning.Tests.Storage;
using Unlearning.Tests.Support;
using Xunit.Abstractions;

namespace Unlearning.Tests.Compliance;

/// <summary>
/// After a forget from every model and a delete, the store holds nothing of the person nor of the deleted model: not in
/// its rows, not in SQLite's file, not (after the vacuum each runs) in PostgreSQL's table files.
/// </summary>
public sealed class ComplianceStorageTests(ITestOutputHelper output)
{
    private const int Shards = 3, Slices = 2;

    [Fact]
    public async Task Forget_everywhere_and_delete_leave_no_trace_in_sqlite()
    {
        using var directory = new TempDirectory("compliance");
        var storage = new StorageOptions { Provider = StorageProvider.Sqlite, DataDirectory = directory.Path };
        var path = storage.SqlitePath;
        await ForgetDeleteAndAuditAsync(storage, () => Task.FromResult(StorageAudit.SqliteStore(path)));
    }

    [Fact]
    public async Task Forget_everywhere_and_delete_leave_no_trace_in_postgres()
    {
        await using var database = await TestPostgres.CreateDatabaseAsync("compliance");
        if (database is null) return; // no PostgreSQL outside CI; under CI=true this fails instead
        var storage = database.Storage(TestDatabase.OwnScrubOnly);
        var audit = new PostgresStoreAudit(database.ConnectionString);
        await ForgetDeleteAndAuditAsync(storage, audit.StoredAsync, audit.ExplainLeftoversAsync);
        audit.AssertFilesAuditedUnderCi();
    }

    /// <param name="explain">What a failure message adds about the needles left (PostgreSQL); null for nothing.</param>
    private async Task ForgetDeleteAndAuditAsync(StorageOptions storage, Func<Task<List<(string Where, byte[] Bytes)>>> stored,
        Func<IEnumerable<Needle>, Task<string>>? explain = null)
    {
        var data = Dataset.Wdbc();
        var person = $"person-{Guid.NewGuid():N}";
        var kept = ClusterFixture.UniqueName("kept");
        var doomed = ClusterFixture.UniqueName("doomed");
        var unique = StorageAudit.WithUniqueFeatures(data.Records.Take(240)).ToArray();
        // The person has four records in each model; the rest belong to 40 subjects per model.
        DataRecord[] RecordsOf(string model, IEnumerable<DataRecord> source) =>
            [.. source.Select((r, i) => r with { Id = $"{model}-{i}", Subject = i % 30 == 0 ? person : $"{model}-s{i % 40}" })];
        var keptRecords = RecordsOf(kept, unique.Take(120));
        var doomedRecords = RecordsOf(doomed, unique.Skip(120));

        await using var cluster = await StorageCluster.StartAsync(storage);
        foreach (var (name, records) in new[] { (kept, keptRecords), (doomed, doomedRecords) })
        {
            var model = cluster.Model(name);
            await model.Create(data.Config(name, Shards, Slices));
            await model.Ingest(records);
            await model.Train();
        }
        var personNeedles = StorageAudit.NeedlesOf(keptRecords.Concat(doomedRecords).Where(r => r.Subject == person));
        // The deleted model's records and the weights its shards serve (a forget request's receipts may name the model: they are
        // the record of the forget, not the model's data).
        var weights = new List<Needle>();
        for (var i = 0; i < Shards; i++)
        {
            var served = (await cluster.Shard(doomed, i).GetSnapshot()).Weights!;
            weights.AddRange(served.Take(3).Select((w, k) => new Needle($"weight {k} of shard {i}", BitConverter.GetBytes(w))));
        }
        Assert.NotEmpty(StorageAudit.Find(await stored(), personNeedles));

        var result = Assert.Single(await cluster.Client.GetGrain<IForgetRequestGrain>($"erasure-{Guid.NewGuid():N}").Submit(new ForgetOrder(null, [person])));
        Assert.Equal(2, result.Receipts.Length);
        Assert.All(result.Receipts, r => Assert.Equal(4, r.RecordsRemoved));
        var afterForget = StorageAudit.Find(await stored(), personNeedles);
        Assert.True(afterForget.Count == 0, "the person is still stored:\n" + string.Join("\n", afterForget.Take(20)) +
            (afterForget.Count > 0 && explain is not null ? await explain(personNeedles) : ""));

        var doomedRecordNeedles = StorageAudit.NeedlesOf(doomedRecords.Where(r => r.Subject != person));
        // Positive control: the audit sees every one of the model's values while it is stored.
        Assert.Equal(doomedRecordNeedles.Length, StorageAudit.Find(await stored(), doomedRecordNeedles).Select(f => f.Split(" in ")[0]).Distinct().Count());
        var doomedNeedles = doomedRecordNeedles.Concat(weights).ToArray();
        Assert.Equal(116, (await cluster.Model(doomed).Delete()).Records);
        var afterDelete = StorageAudit.Find(await stored(), doomedNeedles);
        Assert.True(afterDelete.Count == 0, "the deleted model is still stored:\n" + string.Join("\n", afterDelete.Take(20)));

        // The audit is not blind: the other model's records are all found.
        var keptNeedles = StorageAudit.NeedlesOf(keptRecords.Where(r => r.Subject != person).Take(5));
        Assert.Equal(keptNeedles.Length, StorageAudit.Find(await stored(), keptNeedles).Select(f => f.Split(" in ")[0]).Distinct().Count());
        output.WriteLine($"{storage.Describe()}: {personNeedles.Length + doomedNeedles.Length} byte sequences absent");
    }
}
