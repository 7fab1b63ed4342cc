using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.DependencyInjection;
using Orleans.Storage;
using Orleans.TestingHost;
using Unlearning.Catalog;
using Unlearning.Silo.Storage;
using Unlearning.Tests.Storage;
using Unlearning.Tests.Support;
using Unlearning.Wire;

namespace Unlearning.Tests.Compliance;

/// <summary>
/// A bucket of the subject index on SQLite: every entry found after many batches and a restart, held in a logarithmic
/// number of segment rows; a call that fails between its writes leaves no row behind once the bucket reactivates; a
/// deleted model leaves neither entries nor its name; a bucket row in the form before segments is carried over.
/// </summary>
public sealed class SubjectIndexTests
{
    private const string BucketKey = "subjects/7";

    [Fact]
    public async Task Entries_survive_many_batches_and_a_restart_in_few_segment_rows()
    {
        using var directory = new TempDirectory("subject-index");
        var storage = Sqlite(directory);
        var expected = new Dictionary<string, SortedSet<string>>(StringComparer.Ordinal);
        await using (var cluster = await StorageCluster.StartAsync(storage, silos: 1))
        {
            var bucket = Bucket(cluster);
            for (var batch = 0; batch < 120; batch++) await AddAsync(bucket, expected, batch % 3 == 2 ? "model-b" : "model-a", Batch(batch));
            await AssertLookupsAsync(bucket, expected);
            var (listed, stored) = await SegmentRowsAsync(cluster, storage);
            Assert.Equal(listed, stored);
            // About 5,600 entries in batches of 50: a binary counter keeps at most log2(5,600 / 50) + 1 segments.
            Assert.InRange(stored.Count, 1, 8);
        }
        await using (var cluster = await StorageCluster.StartAsync(storage, silos: 1))
        {
            var bucket = Bucket(cluster);
            await AssertLookupsAsync(bucket, expected);
            await bucket.RemoveModel("model-a");
            foreach (var models in expected.Values) models.Remove("model-a");
            await AssertLookupsAsync(bucket, expected);
            await bucket.RemoveModel("model-b");
            var (listed, stored) = await SegmentRowsAsync(cluster, storage);
            Assert.Empty(listed);
            Assert.Empty(stored);
            var row = BucketRow(storage);
            Assert.Equal(-1, row.AsSpan().IndexOf("model-"u8));
        }
    }

    [Fact]
    public async Task A_call_that_fails_between_its_writes_leaves_no_row_behind()
    {
        using var directory = new TempDirectory("subject-index-faults");
        var storage = Sqlite(directory);
        var faults = new StorageFaults();
        var expected = new Dictionary<string, SortedSet<string>>(StringComparer.Ordinal);
        await using var cluster = await StorageCluster.StartAsync(storage, silos: 1,
            configure: silo => FaultyGrainStorage.Wrap(silo.Services, StorageNames.Models, faults));
        var bucket = Bucket(cluster);
        for (var batch = 0; batch < 10; batch++) await AddAsync(bucket, expected, "model-a", Batch(batch));

        // The new segment row is written, the bucket row that would list it is not.
        faults.FailWhen((operation, name) => operation == StorageOperation.Write && name == "subjects");
        await Assert.ThrowsAnyAsync<Exception>(() => bucket.Add("model-a", Batch(10)));
        faults.Heal();
        await AssertLookupsAsync(bucket, expected);
        await AssertNoStrayRowsAsync(cluster, storage);
        await AddAsync(bucket, expected, "model-a", Batch(10));

        // A batch larger than the bucket absorbs every segment; the old rows' deletes fail after the bucket row lists the new one.
        faults.FailWhen((operation, name) => operation == StorageOperation.Clear && name.StartsWith("subjects-", StringComparison.Ordinal));
        var large = Enumerable.Range(10_000, 1_000).Select(i => $"subject-{i}").ToArray();
        await Assert.ThrowsAnyAsync<Exception>(() => bucket.Add("model-b", large));
        faults.Heal();
        foreach (var subject in large) Expected(expected, subject).Add("model-b");
        await AssertLookupsAsync(bucket, expected);
        await AssertNoStrayRowsAsync(cluster, storage);
        await AddAsync(bucket, expected, "model-b", Batch(11));
        await AssertLookupsAsync(bucket, expected);
        await AssertNoStrayRowsAsync(cluster, storage);
    }

    [Fact]
    public async Task A_bucket_row_from_before_segments_is_carried_over()
    {
        using var directory = new TempDirectory("subject-index-legacy");
        var storage = Sqlite(directory);
        await using var cluster = await StorageCluster.StartAsync(storage, silos: 1);
        var bucket = Bucket(cluster);
        var key = RandomNumberGenerator.GetBytes(32);
        string Mac(string subject) => Convert.ToBase64String(HMACSHA256.HashData(key, Encoding.UTF8.GetBytes(subject)));
        var legacy = new SubjectIndexState
        {
            Key = key,
            Models = new(StringComparer.Ordinal) { [Mac("alice")] = ["m1", "m2"], [Mac("bob")] = ["m2"] },
        };
        await Storage(cluster).WriteStateAsync("subjects", bucket.GetGrainId(), new GrainState<SubjectIndexState>(legacy));

        var found = await bucket.Lookup(["alice", "bob", "carol"]);
        Assert.Equal<string[]>([["m1", "m2"], ["m2"], []], found);
        var row = await ReadBucketStateAsync(cluster, bucket);
        Assert.Empty(row.Models);
        Assert.Single(row.Segments);
        await bucket.Add("m3", ["alice", "carol"]);
        Assert.Equal<string[]>([["m1", "m2", "m3"], ["m2"], ["m3"]], await bucket.Lookup(["alice", "bob", "carol"]));
    }

    private static StorageOptions Sqlite(TempDirectory directory) => new() { Provider = StorageProvider.Sqlite, DataDirectory = directory.Path };

    private static ISubjectIndexGrain Bucket(StorageCluster cluster) => cluster.Client.GetGrain<ISubjectIndexGrain>(BucketKey);

    /// <summary>Fifty subjects; ten of them were in the batch before.</summary>
    private static string[] Batch(int batch) => [.. Enumerable.Range(batch * 40 - 10, 50).Where(i => i >= 0).Select(i => $"subject-{i}")];

    private static async Task AddAsync(ISubjectIndexGrain bucket, Dictionary<string, SortedSet<string>> expected, string model, string[] subjects)
    {
        await bucket.Add(model, subjects);
        foreach (var subject in subjects) Expected(expected, subject).Add(model);
    }

    private static SortedSet<string> Expected(Dictionary<string, SortedSet<string>> expected, string subject) =>
        expected.TryGetValue(subject, out var models) ? models : expected[subject] = new SortedSet<string>(StringComparer.Ordinal);

    private static async Task AssertLookupsAsync(ISubjectIndexGrain bucket, Dictionary<string, SortedSet<string>> expected)
    {
        string[] subjects = [.. expected.Keys, "never-sent-1", "never-sent-2"];
        var found = await bucket.Lookup(subjects);
        for (var i = 0; i < subjects.Length; i++)
        {
            string[] want = expected.TryGetValue(subjects[i], out var models) ? [.. models] : [];
            Assert.True(want.SequenceEqual(found[i].Order(StringComparer.Ordinal)), $"{subjects[i]}: [{string.Join(", ", found[i])}], expected [{string.Join(", ", want)}]");
        }
    }

    private static async Task AssertNoStrayRowsAsync(StorageCluster cluster, StorageOptions storage)
    {
        var (listed, stored) = await SegmentRowsAsync(cluster, storage);
        Assert.Equal(listed, stored);
    }

    /// <summary>The segment rows the bucket row lists, and those SQLite holds.</summary>
    private static async Task<(List<string> Listed, List<string> Stored)> SegmentRowsAsync(StorageCluster cluster, StorageOptions storage)
    {
        var state = await ReadBucketStateAsync(cluster, Bucket(cluster));
        var listed = state.Segments.Select(n => $"subjects-{n}").Order(StringComparer.Ordinal).ToList();
        var stored = new List<string>();
        using var connection = StorageAudit.OpenSqliteReadOnly(storage.SqlitePath);
        using var command = connection.CreateCommand();
        command.CommandText = "SELECT state_name FROM grain_state WHERE state_name LIKE 'subjects-%' ORDER BY state_name";
        using var reader = command.ExecuteReader();
        while (reader.Read()) stored.Add(reader.GetString(0));
        return (listed, stored.Order(StringComparer.Ordinal).ToList());
    }

    private static byte[] BucketRow(StorageOptions storage)
    {
        using var connection = StorageAudit.OpenSqliteReadOnly(storage.SqlitePath);
        using var command = connection.CreateCommand();
        command.CommandText = "SELECT payload FROM grain_state WHERE state_name = 'subjects'";
        return (byte[])command.ExecuteScalar()!;
    }

    private static async Task<SubjectIndexState> ReadBucketStateAsync(StorageCluster cluster, ISubjectIndexGrain bucket)
    {
        var read = new GrainState<SubjectIndexState>(new SubjectIndexState());
        await Storage(cluster).ReadStateAsync("subjects", bucket.GetGrainId(), read);
        return read.State!;
    }

    private static IGrainStorage Storage(StorageCluster cluster) =>
        ((InProcessSiloHandle)cluster.Cluster.Silos[0]).ServiceProvider.GetRequiredKeyedService<IGrainStorage>(StorageNames.Models);
}
