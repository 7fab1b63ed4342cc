using Unlearning.TestKit;
using Unlearning.Tests.Support;
using Xunit.Abstractions;

namespace Unlearning.Tests.Compliance;

/// <summary>
/// The privacy office's calls on a two-silo cluster: the list of models, deleting one, forgetting a person from every
/// model that holds them, batches, and durable requests (a repeated id answers the same, status, overdue).
/// </summary>
[Collection(ClusterCollection.Name)]
public sealed class ComplianceTests(ClusterFixture cluster, ITestOutputHelper output)
{
    private const int Shards = 3, Slices = 2;
    private static readonly Dataset Data = Dataset.Wdbc();

    private IForgetRequestGrain Request(string id) => cluster.Client.GetGrain<IForgetRequestGrain>(id);

    private static string NewId(string prefix) => $"{prefix}-{Guid.NewGuid():N}";

    /// <summary>A trained model on 120 wdbc records, whose subjects are <paramref name="subjects"/> (cycled) prefixed by nothing.</summary>
    private async Task<IModelGrain> BuildAsync(string name, IReadOnlyList<string> subjects, int offset = 0)
    {
        var records = Data.Records.Skip(offset).Take(120).Select((r, i) => r with { Id = $"{name}-{i}", Subject = subjects[i % subjects.Count] }).ToArray();
        var model = cluster.Model(name);
        await model.Create(Data.Config(name, Shards, Slices));
        await model.Ingest(records);
        await model.Train();
        return model;
    }

    [Fact]
    public async Task Models_lists_every_model_and_delete_removes_one_which_then_is_unknown()
    {
        var kept = ClusterFixture.UniqueName("listed");
        var deleted = ClusterFixture.UniqueName("deleted");
        var before = DateTimeOffset.UtcNow.AddSeconds(-1);
        await BuildAsync(kept, [.. Enumerable.Range(0, 40).Select(i => $"L{i}")]);
        await BuildAsync(deleted, [.. Enumerable.Range(0, 40).Select(i => $"D{i}")]);
        var catalog = cluster.Client.GetGrain<IModelCatalog>(IModelCatalog.Key);

        var listed = (await catalog.List()).Where(m => m.Model == kept || m.Model == deleted).ToArray();
        Assert.Equal(2, listed.Length);
        Assert.All(listed, m =>
        {
            Assert.Equal(UnlearningMethod.Exact, m.Method);
            Assert.Equal(Shards, m.Shards);
            Assert.Equal(120, m.Records);
            Assert.True(m.Version > 0);
            Assert.InRange(m.Created!.Value, before, DateTimeOffset.UtcNow);
        });

        var result = await cluster.Model(deleted).Delete();
        Assert.Equal(new DeleteResult(deleted, 120, Shards), result);

        Assert.DoesNotContain(await catalog.List(), m => m.Model == deleted);
        Assert.Contains(await catalog.List(), m => m.Model == kept);
        var unknown = await Assert.ThrowsAsync<KeyNotFoundException>(() => cluster.Model(deleted).Predict([Data.Records[0].Features]));
        Assert.StartsWith($"unknown model '{deleted}'", unknown.Message);
        for (var i = 0; i < Shards; i++) Assert.Equal(0, (await cluster.Shard(deleted, i).GetStatus()).Records);
        // The name is free again: a model created under it starts empty.
        await cluster.Model(deleted).Create(Data.Config(deleted, Shards, Slices));
        Assert.Equal(0, (await cluster.Model(deleted).GetStatus()).Records);
        await cluster.Model(deleted).Delete();
    }

    [Fact]
    public async Task Forget_everywhere_returns_one_receipt_per_model_that_held_the_subject()
    {
        var person = NewId("person");
        var other = NewId("other");
        string[] names = [ClusterFixture.UniqueName("ward-a"), ClusterFixture.UniqueName("ward-b"), ClusterFixture.UniqueName("ward-c")];
        // The person is in the first two models; the third never saw them.
        await BuildAsync(names[0], [person, other, .. Enumerable.Range(0, 30).Select(i => $"{names[0]}-s{i}")]);
        await BuildAsync(names[1], [.. Enumerable.Range(0, 30).Select(i => $"{names[1]}-s{i}"), person], offset: 200);
        await BuildAsync(names[2], [other, .. Enumerable.Range(0, 30).Select(i => $"{names[2]}-s{i}")], offset: 400);

        var id = NewId("everywhere");
        var result = Assert.Single(await Request(id).Submit(new ForgetOrder(null, [person])));

        Assert.Equal(person, result.Subject);
        Assert.Equal(names[..2].Order(StringComparer.Ordinal), result.Receipts.Select(r => r.Model));
        Assert.All(result.Receipts, r =>
        {
            Assert.True(r.RecordsRemoved > 0);
            Assert.Equal(id, r.RequestId);
            Assert.Equal(person, r.Subject);
        });
        foreach (var name in names) Assert.Equal(new[] { 0 }, await cluster.Model(name).CountRecords([person]));
        Assert.True(await cluster.Model(names[2]).CountRecords([other]) is [> 0]);

        // A subject no model holds: a request with no receipt.
        var nobody = Assert.Single(await Request(NewId("nobody")).Submit(new ForgetOrder(null, [NewId("never-seen")])));
        Assert.Empty(nobody.Receipts);

        var status = await Request(id).GetStatus();
        Assert.Equal(RequestState.Completed, status.State);
        Assert.Null(status.Model);
        Assert.Equal(2, status.Receipts.Length);
        // The cluster keeps no subject once forgotten: the stored receipts carry none.
        Assert.All(status.Receipts, r => Assert.Equal("", r.Subject));
    }

    [Fact]
    public async Task A_batch_forgets_each_subject_once_with_receipts_in_order_and_coalesced_per_shard()
    {
        var name = ClusterFixture.UniqueName("batch");
        var subjects = Enumerable.Range(0, 40).Select(i => $"{name}-b{i}").ToArray();
        var model = await BuildAsync(name, subjects);
        var before = await Task.WhenAll(Enumerable.Range(0, Shards).Select(i => cluster.Shard(name, i).GetStatus()));

        var id = NewId("batch");
        var first = await Request(id).Submit(new ForgetOrder(name, subjects[..25], Part: 1));
        var second = await Request(id).Submit(new ForgetOrder(name, subjects[25..], Part: 2));

        var all = first.Concat(second).ToArray();
        Assert.Equal(subjects, all.Select(r => r.Subject));
        Assert.All(all, r => Assert.Equal(3, Assert.Single(r.Receipts).RecordsRemoved));
        Assert.Equal(new int[subjects.Length], await model.CountRecords(subjects));
        var after = await Task.WhenAll(Enumerable.Range(0, Shards).Select(i => cluster.Shard(name, i).GetStatus()));
        var accepted = after.Zip(before).Sum(p => p.First.ForgetsAccepted - p.Second.ForgetsAccepted);
        output.WriteLine($"40 subjects forgotten in {accepted} shard writes");
        // Two parts over three shards: at most a couple of batches per shard and part, far fewer than one per subject.
        Assert.InRange(accepted, Shards, 4 * Shards);
        Assert.Equal(RequestState.Completed, (await Request(id).GetStatus()).State);
        Assert.Equal(40, (await Request(id).GetStatus()).Subjects);
    }

    [Fact]
    public async Task A_repeated_request_id_answers_the_first_result_and_forgets_nothing_twice()
    {
        var name = ClusterFixture.UniqueName("repeat");
        var subjects = Enumerable.Range(0, 20).Select(i => $"{name}-r{i}").ToArray();
        var model = await BuildAsync(name, subjects);
        var id = NewId("repeat");

        var first = Assert.Single(await Request(id).Submit(new ForgetOrder(name, [subjects[0]])));
        var versions = await Task.WhenAll(Enumerable.Range(0, Shards).Select(i => cluster.Shard(name, i).GetStatus()));
        var again = Assert.Single(await Request(id).Submit(new ForgetOrder(name, [subjects[0]])));

        Assert.Equal(first.Receipts, again.Receipts);
        Assert.Equal(6, Assert.Single(again.Receipts).RecordsRemoved);
        var after = await Task.WhenAll(Enumerable.Range(0, Shards).Select(i => cluster.Shard(name, i).GetStatus()));
        Assert.Equal(versions.Select(v => (v.Version, v.ForgetsAccepted)), after.Select(v => (v.Version, v.ForgetsAccepted)));

        // The same id with other subjects, or another target, is another request: refused.
        var other = await Assert.ThrowsAsync<ArgumentException>(() => Request(id).Submit(new ForgetOrder(name, [subjects[1]])));
        Assert.Contains("sent before with other subjects", other.Message);
        await Assert.ThrowsAsync<ArgumentException>(() => Request(id).Submit(new ForgetOrder(null, [subjects[0]])));
        Assert.Equal(new[] { 6 }, await model.CountRecords([subjects[1]]));
    }

    [Fact]
    public async Task Status_says_accepted_completed_or_failed_and_overdue_lists_requests_past_the_deadline()
    {
        var unknownModel = ClusterFixture.UniqueName("gone");
        var failedId = NewId("failed");
        var failure = await Assert.ThrowsAsync<InvalidOperationException>(() => Request(failedId).Submit(new ForgetOrder(unknownModel, ["someone"])));
        Assert.Contains($"unknown model '{unknownModel}'", failure.Message);
        var failed = await Request(failedId).GetStatus();
        Assert.Equal(RequestState.Failed, failed.State);
        Assert.Contains("unknown model", failed.Error);

        var name = ClusterFixture.UniqueName("status");
        await BuildAsync(name, [.. Enumerable.Range(0, 30).Select(i => $"{name}-t{i}")]);
        var doneId = NewId("done");
        await Request(doneId).Submit(new ForgetOrder(name, [$"{name}-t1"]));
        Assert.Equal(RequestState.Completed, (await Request(doneId).GetStatus()).State);

        var unknown = await Assert.ThrowsAsync<KeyNotFoundException>(() => Request(NewId("never")).GetStatus());
        Assert.StartsWith("unknown forget request", unknown.Message);

        // The fixture's deadline is two seconds: the failed request is overdue then, the completed one never.
        await Task.Delay(TimeSpan.FromSeconds(2.5));
        var overdue = await cluster.Client.GetGrain<IForgetRequests>(IForgetRequests.Key).Overdue();
        var listed = Assert.Single(overdue, r => r.RequestId == failedId);
        Assert.Equal(RequestState.Failed, listed.State);
        Assert.Equal(listed.Accepted + TimeSpan.FromSeconds(2), listed.Due);
        Assert.DoesNotContain(overdue, r => r.RequestId == doneId);
    }

    [Fact]
    public async Task Bad_requests_are_refused_before_anything_is_stored()
    {
        await Assert.ThrowsAsync<ArgumentException>(() => Request("bad id with spaces").Submit(new ForgetOrder(null, ["x"])));
        await Assert.ThrowsAsync<ArgumentException>(() => Request(NewId("empty")).Submit(new ForgetOrder(null, [])));
        await Assert.ThrowsAsync<ArgumentException>(() => Request(NewId("blank")).Submit(new ForgetOrder(null, [""])));
        var id = NewId("part");
        await Assert.ThrowsAsync<ArgumentException>(() => Request(id).Submit(new ForgetOrder(null, ["x"], Part: 0)));
        await Assert.ThrowsAsync<KeyNotFoundException>(() => Request(id).GetStatus());
    }
}
