using Unlearning.Client;
using Unlearning.TestKit;
using Unlearning.Tests.Support;

namespace Unlearning.Tests.Library;

/// <summary>
/// The privacy office's and auditors' calls through <see cref="IUnlearningClient"/> on the two-silo cluster: models listed
/// and deleted, stored forget requests (answered again, not repeated; status; overdue), the audit log and the signing
/// keys; bad input refused before anything is sent.
/// </summary>
[Collection(ClusterCollection.Name)]
public sealed class ComplianceCallsTests(ClusterFixture cluster)
{
    private const int Shards = 2, Slices = 2;
    private static readonly Dataset Data = Dataset.Wdbc();

    private IUnlearningClient Client => UnlearningClient.Over(cluster.Client);

    private static string NewId(string prefix) => $"{prefix}-{Guid.NewGuid():N}";

    /// <summary>A trained model on 60 wdbc records whose subjects are <c>{name}-s0</c> to <c>{name}-s19</c>, three records each.</summary>
    private async Task<string> BuildAsync(string prefix)
    {
        var name = ClusterFixture.UniqueName(prefix);
        var records = Data.Records.Take(60).Select((r, i) => r with { Id = $"{name}-{i}", Subject = $"{name}-s{i % 20}" }).ToArray();
        await Client.CreateModelAsync(Data.Config(name, Shards, Slices));
        await Client.IngestAsync(name, records);
        await Client.TrainAsync(name);
        return name;
    }

    [Fact]
    public async Task Models_are_listed_and_a_deleted_one_is_gone()
    {
        var name = await BuildAsync("lib-listed");
        var listed = Assert.Single(await Client.ListModelsAsync(), m => m.Model == name);
        Assert.Equal((Shards, 60L), (listed.Shards, listed.Records!.Value));

        Assert.Equal(new DeleteResult(name, 60, Shards), await Client.DeleteModelAsync(name));
        Assert.DoesNotContain(await Client.ListModelsAsync(), m => m.Model == name);
        var unknown = await Assert.ThrowsAsync<KeyNotFoundException>(() => Client.GetStatusAsync(name));
        Assert.StartsWith($"unknown model '{name}'", unknown.Message);
    }

    [Fact]
    public async Task A_forget_request_sent_twice_answers_the_same_and_its_status_holds_the_receipts()
    {
        var name = await BuildAsync("lib-request");
        var id = NewId("lib");
        var order = new ForgetOrder(name, [$"{name}-s1", $"{name}-s2"]);
        var first = await Client.SubmitForgetAsync(id, order);
        Assert.Equal([3, 3], first.Select(f => Assert.Single(f.Receipts).RecordsRemoved));

        var again = await Client.SubmitForgetAsync(id, order);
        Assert.Equal(first.Select(f => f.Receipts[0].Signature), again.Select(f => f.Receipts[0].Signature));
        Assert.Equal(54, (await Client.GetStatusAsync(name)).Records);

        var status = await Client.GetForgetRequestAsync(id);
        Assert.Equal((RequestState.Completed, name, 2), (status.State, status.Model, status.Subjects));
        Assert.Equal(2, status.Receipts.Length);

        var everywhere = await Client.SubmitForgetAsync(NewId("lib-all"), new ForgetOrder(null, [$"{name}-s3"]));
        Assert.Equal(name, Assert.Single(Assert.Single(everywhere).Receipts).Model);

        var other = await Assert.ThrowsAsync<ArgumentException>(() => Client.SubmitForgetAsync(id, order with { Subjects = [$"{name}-s4"] }));
        Assert.Contains("sent before with other subjects", other.Message);
        var unknown = await Assert.ThrowsAsync<KeyNotFoundException>(() => Client.GetForgetRequestAsync(NewId("never")));
        Assert.StartsWith("unknown forget request", unknown.Message);
    }

    [Fact]
    public async Task A_failed_request_is_listed_overdue_after_the_deadline()
    {
        var id = NewId("lib-failed");
        var gone = ClusterFixture.UniqueName("lib-gone");
        var failure = await Assert.ThrowsAsync<InvalidOperationException>(() => Client.SubmitForgetAsync(id, new ForgetOrder(gone, ["someone"])));
        Assert.Contains($"unknown model '{gone}'", failure.Message);
        Assert.Equal(RequestState.Failed, (await Client.GetForgetRequestAsync(id)).State);

        // The fixture's deadline is two seconds.
        await Task.Delay(TimeSpan.FromSeconds(2.5));
        var listed = Assert.Single(await Client.ListOverdueRequestsAsync(), r => r.RequestId == id);
        Assert.Equal(listed.Accepted + TimeSpan.FromSeconds(2), listed.Due);
    }

    [Fact]
    public async Task The_audit_log_names_a_forgotten_subject_verifies_and_pages_and_the_signing_key_checks_a_receipt()
    {
        var name = await BuildAsync("lib-audit");
        var subject = $"{name}-s5";
        var receipt = Assert.Single(Assert.Single(await Client.SubmitForgetAsync(NewId("lib-audit"), new ForgetOrder(name, [subject]))).Receipts);

        var found = await Client.FindSubjectInAuditLogAsync(subject);
        Assert.True(found.Forgotten);
        Assert.Equal([name], found.Models);
        Assert.False((await Client.FindSubjectInAuditLogAsync($"{name}-nobody")).Forgotten);

        var verification = await Client.VerifyAuditLogAsync();
        Assert.True(verification.Intact, verification.Problem);
        var last = await Client.ReadAuditLogAsync(count: 3);
        Assert.Equal(3, last.Entries.Length);
        Assert.Equal(verification.Entries, last.Total);
        var first = await Client.ReadAuditLogAsync(from: 1, count: 2);
        Assert.Equal([1L, 2L], first.Entries.Select(e => e.Sequence));

        var keys = await Client.GetSigningKeysAsync();
        Assert.Equal(keys.Current.KeyId, ReceiptCheck.Check(ReceiptDocument.ToJson(receipt), keys.Current.Pem).KeyId);
    }

    [Fact]
    public async Task Bad_input_is_refused_before_anything_is_sent()
    {
        var id = NewId("lib-bad");
        Assert.Contains("request id", (await Assert.ThrowsAsync<ArgumentException>(() => Client.SubmitForgetAsync("bad id", new ForgetOrder(null, ["x"])))).Message);
        Assert.Contains("at least one subject", (await Assert.ThrowsAsync<ArgumentException>(() => Client.SubmitForgetAsync(id, new ForgetOrder(null, [])))).Message);
        var blank = await Assert.ThrowsAsync<ArgumentException>(() => Client.SubmitForgetAsync(id, new ForgetOrder(null, ["x", ""])));
        Assert.Contains("subject 2 of the order", blank.Message);
        var many = new ForgetOrder(null, [.. Enumerable.Range(0, RequestLimits.MaxSubjectsPerPart + 1).Select(i => $"s{i}")]);
        Assert.Contains("at most 10,000 subjects", (await Assert.ThrowsAsync<ArgumentException>(() => Client.SubmitForgetAsync(id, many))).Message);
        await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() => Client.SubmitForgetAsync(id, new ForgetOrder(null, ["x"], Part: 0)));
        await Assert.ThrowsAsync<ArgumentException>(() => Client.SubmitForgetAsync(id, new ForgetOrder("../etc", ["x"])));
        await Assert.ThrowsAsync<KeyNotFoundException>(() => Client.GetForgetRequestAsync(id));

        await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() => Client.ReadAuditLogAsync(count: AuditLimits.MaxPage + 1));
        await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() => Client.ReadAuditLogAsync(from: -1));
        await Assert.ThrowsAsync<ArgumentException>(() => Client.FindSubjectInAuditLogAsync(""));
        await Assert.ThrowsAsync<ArgumentException>(() => Client.DeleteModelAsync("has space"));
    }
}
