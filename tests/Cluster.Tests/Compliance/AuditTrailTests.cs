using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using Microsoft.Extensions.DependencyInjection;
using Orleans.Storage;
using Orleans.TestingHost;
using Unlearning.Compliance;
using Unlearning.Silo.Storage;
using Unlearning.TestKit;
using Unlearning.Tests.Storage;
using Unlearning.Tests.Support;
using Xunit.Abstractions;

namespace Unlearning.Tests.Compliance;

/// <summary>
/// The audit log on SQLite, through the grain API and the CLI: every change recorded with subjects as keyed hashes only,
/// the chain found out when an entry is edited, deleted or swapped in the store, rotated keys, signed receipts.
/// </summary>
public sealed class AuditTrailTests(ITestOutputHelper output)
{
    private const string Family = "subject-audit-family-3";
    private const string Nobody = "subject-audit-nobody";

    [Fact]
    public async Task The_log_records_every_change_by_keyed_hash_only_and_verify_names_an_edited_a_deleted_and_a_swapped_entry()
    {
        using var directory = new TempDirectory("audit");
        var key = RandomNumberGenerator.GetBytes(32);
        var keyFile = Path.Combine(directory.Path, "subject-keys");
        await File.WriteAllTextAsync(keyFile, $"# audit keys\n2026-11 {Convert.ToBase64String(key)}\n");
        var storage = new StorageOptions { Provider = StorageProvider.Sqlite, DataDirectory = Path.Combine(directory.Path, "data") };
        await using var cluster = await StorageCluster.StartAsync(storage, silos: 1, new Dictionary<string, string?> { ["Audit:SubjectKeys"] = keyFile });

        var data = Dataset.Wdbc();
        var train = data.Split().Train.Select((r, i) => i < 12 ? r with { Subject = Family } : r).ToArray();
        var name = ClusterFixture.UniqueName("audited");
        var model = cluster.Model(name);
        await model.Create(data.Config(name, 2, 2));
        await model.Ingest(train);
        await model.Train();
        var receipt = await model.Forget(Family);
        var none = await model.Forget(Nobody);
        Assert.Equal(12, receipt.RecordsRemoved);
        Assert.NotNull(receipt.Signature);

        var log = cluster.Client.GetGrain<IAuditGrain>(IAuditGrain.Key);
        var page = await log.Read(0, AuditLimits.MaxPage);
        var kinds = page.Entries.Select(e => e.Event.Kind).ToArray();
        Assert.Equal([AuditKind.Create, AuditKind.Ingest, AuditKind.Train, AuditKind.Forget, AuditKind.Forget], kinds);
        Assert.Equal(train.Length, page.Entries[1].Event.Records);
        var forget = page.Entries[3].Event;
        Assert.Equal((name, receipt.RequestId, 12L, "2026-11"), (forget.Model, forget.RequestId, forget.Records, forget.KeyId));
        Assert.Equal(Convert.ToHexStringLower(HMACSHA256.HashData(key, Encoding.UTF8.GetBytes(Family))), forget.SubjectHash);

        // What an auditor asks, through the CLI: was the subject forgotten, when, from which models, under which request.
        var (exit, stdout, stderr) = await RunAsync(cluster, "audit", "--subject", Family, "--json");
        Assert.True(exit == 0, stderr);
        var answer = JsonNode.Parse(stdout)!.AsObject();
        Assert.True(answer["forgotten"]!.GetValue<bool>());
        Assert.Equal([name], answer["models"]!.AsArray().Select(m => m!.GetValue<string>()));
        Assert.Equal(receipt.RequestId, answer["removals"]![0]!["requestId"]!.GetValue<string>());
        var asked = JsonNode.Parse((await RunAsync(cluster, "audit", "--subject", Nobody, "--json")).Stdout)!;
        Assert.False(asked["forgotten"]!.GetValue<bool>()); // a forget that removed nothing is logged, and is no removal
        Assert.Equal(none.RequestId, asked["entries"]![0]!["requestId"]!.GetValue<string>());

        // The store: the subject's keyed hash is there (the audit rows were read), its id nowhere.
        var stored = StorageAudit.SqliteStore(storage.SqlitePath);
        Assert.NotEmpty(StorageAudit.Find(stored, [new Needle("hash", Encoding.UTF8.GetBytes(forget.SubjectHash!))]));
        Assert.Empty(StorageAudit.Find(stored, [new Needle(Family, Encoding.UTF8.GetBytes(Family)), new Needle(Nobody, Encoding.UTF8.GetBytes(Nobody))]));

        var intact = await RunAsync(cluster, "audit", "--verify", "--json");
        Assert.True(intact.Exit == 0, intact.Stderr);
        Assert.True(JsonNode.Parse(intact.Stdout)!["intact"]!.GetValue<bool>());

        // Tampering with the stored rows, as whoever holds the store could.
        var segments = new SegmentStore(cluster, log.GetGrainId());
        var original = await segments.ReadAsync();
        var entries = original.State!.Entries;
        Assert.Equal(7, entries.Count); // five changes and two look-ups

        await segments.WriteAsync(original, [.. entries.Select(e => e.Sequence == 4 ? e with { Event = e.Event with { Records = 0 } } : e)]);
        await AssertBrokenAsync(cluster, 4, "altered");

        await segments.WriteAsync(original, [.. entries.Where(e => e.Sequence != 3)]);
        await AssertBrokenAsync(cluster, 3, "missing");

        await segments.WriteAsync(original, [entries[0], entries[2], entries[1], .. entries.Skip(3)]);
        await AssertBrokenAsync(cluster, 2, "out of order");

        // An entry removed from the end: the signed head still names it.
        await segments.WriteAsync(original, [.. entries.SkipLast(1)]);
        await AssertBrokenAsync(cluster, 7, "signed head");

        // An altered entry whose hash was computed again: the next entry no longer follows it.
        List<AuditEntry> rehashed = [.. entries];
        rehashed[1] = AuditEntryDocument.Chain(2, entries[1].Event with { Records = 1 }, entries[0].Hash);
        await segments.WriteAsync(original, rehashed);
        await AssertBrokenAsync(cluster, 3, "does not follow entry 2");

        await segments.WriteAsync(original, entries);
        Assert.True((await log.Verify()).Intact);
    }

    [Fact]
    public async Task On_postgres_the_log_is_in_the_rows_by_keyed_hash_and_no_row_holds_a_forgotten_subject_id()
    {
        await using var database = await TestPostgres.CreateDatabaseAsync("audit");
        if (database is null) return; // no PostgreSQL outside CI; under CI=true this fails instead
        using var directory = new TempDirectory("audit-pg");
        var key = RandomNumberGenerator.GetBytes(32);
        var keyFile = Path.Combine(directory.Path, "subject-keys");
        await File.WriteAllTextAsync(keyFile, $"k1 {Convert.ToBase64String(key)}\n");
        var storage = database.Storage();
        var data = Dataset.Wdbc();
        var train = data.Split().Train.Select((r, i) => i < 12 ? r with { Subject = Family } : r).ToArray();
        var name = ClusterFixture.UniqueName("audited-pg");
        await using (var cluster = await StorageCluster.StartAsync(storage, silos: 2, new Dictionary<string, string?> { ["Audit:SubjectKeys"] = keyFile }))
        {
            var model = cluster.Model(name);
            await model.Create(data.Config(name, 2, 2));
            await model.Ingest(train);
            await model.Train();
            Assert.Equal(12, (await model.Forget(Family)).RecordsRemoved);
            var verification = await cluster.Client.GetGrain<IAuditGrain>(IAuditGrain.Key).Verify();
            Assert.True(verification.Intact, verification.Problem);
            Assert.Equal(4, verification.Entries);
        }

        var rows = await StorageAudit.PostgresRowsAsync(database.ConnectionString);
        var hash = Convert.ToHexStringLower(HMACSHA256.HashData(key, Encoding.UTF8.GetBytes(Family)));
        Assert.NotEmpty(StorageAudit.Find(rows, [new Needle("hash", Encoding.UTF8.GetBytes(hash))]));
        Assert.Empty(StorageAudit.Find(rows, [new Needle(Family, Encoding.UTF8.GetBytes(Family))]));
    }

    [Fact]
    public async Task A_rotated_subject_key_keeps_older_entries_findable_and_the_chain_verifiable()
    {
        using var directory = new TempDirectory("audit-rotation");
        var keyFile = Path.Combine(directory.Path, "subject-keys");
        var first = $"old {Convert.ToBase64String(RandomNumberGenerator.GetBytes(32))}";
        var storage = new StorageOptions { Provider = StorageProvider.Sqlite, DataDirectory = Path.Combine(directory.Path, "data") };
        var settings = new Dictionary<string, string?> { ["Audit:SubjectKeys"] = keyFile };
        var data = Dataset.Wdbc();
        var train = data.Split().Train.Select((r, i) => i < 5 ? r with { Subject = "subject-before" } : i < 10 ? r with { Subject = "subject-after" } : r).ToArray();
        var name = ClusterFixture.UniqueName("rotated");

        await File.WriteAllTextAsync(keyFile, first + "\n");
        await using (var cluster = await StorageCluster.StartAsync(storage, silos: 1, settings))
        {
            var model = cluster.Model(name);
            await model.Create(data.Config(name, 2, 1));
            await model.Ingest(train);
            await model.Forget("subject-before");
        }

        // The operator rotates: a new last line; the old key stays so that entries made with it stay findable.
        await File.WriteAllTextAsync(keyFile, $"{first}\nnew {Convert.ToBase64String(RandomNumberGenerator.GetBytes(32))}\n");
        await using (var cluster = await StorageCluster.StartAsync(storage, silos: 1, settings))
        {
            await cluster.Model(name).Forget("subject-after");
            var log = cluster.Client.GetGrain<IAuditGrain>(IAuditGrain.Key);
            var before = await log.FindSubject("subject-before");
            var after = await log.FindSubject("subject-after");
            Assert.Equal(["new", "old"], before.KeyIds);
            Assert.Equal("old", Assert.Single(before.Removals).Event.KeyId);
            Assert.Equal("new", Assert.Single(after.Removals).Event.KeyId);
            var verification = await log.Verify();
            Assert.True(verification.Intact, verification.Problem);
            Assert.Equal(6, verification.Entries); // create, ingest, forget; forget and two look-ups
        }
    }

    [Fact]
    public async Task A_receipt_checks_offline_with_the_public_key_and_fails_when_any_field_changes()
    {
        using var directory = new TempDirectory("receipts");
        var storage = new StorageOptions { Provider = StorageProvider.Sqlite, DataDirectory = Path.Combine(directory.Path, "data") };
        await using var cluster = await StorageCluster.StartAsync(storage, silos: 1);
        var data = Dataset.Wdbc();
        var name = ClusterFixture.UniqueName("receipts");
        var model = cluster.Model(name);
        await model.Create(data.Config(name, 2, 1));
        await model.Ingest(data.Split().Train);

        var forgot = await RunAsync(cluster, "forget", name, "--subject", data.Split().Train[0].Subject, "--json");
        Assert.True(forgot.Exit == 0, forgot.Stderr);
        var key = await RunAsync(cluster, "signing-key", "--public");
        Assert.True(key.Exit == 0, key.Stderr);
        Assert.DoesNotContain("PRIVATE", key.Stdout);
        var keyPath = Path.Combine(directory.Path, "cluster.pub.pem");
        await File.WriteAllTextAsync(keyPath, key.Stdout);
        var receiptPath = Path.Combine(directory.Path, "receipt.json");
        await File.WriteAllTextAsync(receiptPath, forgot.Stdout);

        var verified = await RunAsync(cluster, "verify-receipt", receiptPath, "--public-key", keyPath);
        Assert.True(verified.Exit == 0, verified.Stderr);
        output.WriteLine(verified.Stdout);

        var receipt = JsonNode.Parse(forgot.Stdout)!.AsObject();
        foreach (var member in receipt.Select(m => m.Key).ToArray())
        {
            var tampered = receipt.DeepClone().AsObject();
            tampered[member] = receipt[member]!.GetValueKind() == System.Text.Json.JsonValueKind.Number
                ? receipt[member]!.GetValue<long>() + 1
                : receipt[member]!.GetValue<string>() + "x";
            await File.WriteAllTextAsync(receiptPath, tampered.ToJsonString());
            var (exit, _, stderr) = await RunAsync(cluster, "verify-receipt", receiptPath, "--public-key", keyPath);
            output.WriteLine($"{member}: exit {exit} {stderr.Trim()}");
            Assert.True(exit == 1, $"a receipt with {member} changed passed");
            Assert.StartsWith("error: receipt", stderr);
        }
    }

    private async Task AssertBrokenAsync(StorageCluster cluster, long firstBad, string problem)
    {
        var (exit, _, stderr) = await RunAsync(cluster, "audit", "--verify");
        output.WriteLine(stderr.Trim());
        Assert.Equal(1, exit);
        Assert.StartsWith($"error: audit log entry {firstBad}:", stderr);
        Assert.Contains(problem, stderr);
    }

    private static Task<CliRun> RunAsync(StorageCluster cluster, params string[] args) =>
        CliRun.RunAsync([.. args, "--gateway", "127.0.0.1:1"], (_, _) => Task.FromResult(cluster.Client));

    /// <summary>The audit log's first segment row, read and written through the silo's own storage provider, as a tamperer with the store could.</summary>
    private sealed class SegmentStore(StorageCluster cluster, GrainId log)
    {
        private IGrainStorage Storage => ((InProcessSiloHandle)cluster.Cluster.Silos[0]).SiloHost.Services.GetRequiredKeyedService<IGrainStorage>(StorageNames.Models);

        public async Task<GrainState<AuditSegment>> ReadAsync()
        {
            var state = new GrainState<AuditSegment>(new AuditSegment());
            await Storage.ReadStateAsync("audit-0", log, state);
            return state;
        }

        public async Task WriteAsync(GrainState<AuditSegment> original, List<AuditEntry> entries)
        {
            var current = await ReadAsync();
            current.State = new AuditSegment { Entries = entries, Head = original.State!.Head };
            await Storage.WriteStateAsync("audit-0", log, current);
        }
    }
}
