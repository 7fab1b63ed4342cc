using Unlearning.TestKit;
using Unlearning.Tests.Support;
using Unlearning.Wire;
using static Unlearning.Tests.Support.ModelHelpers;

namespace Unlearning.Tests.Cluster;

/// <summary>Ingests are all or nothing: batches are staged, and join the model together at the commit or not at all.</summary>
[Collection(ClusterCollection.Name)]
public sealed class StagedIngestTests(ClusterFixture cluster)
{
    private const int Shards = 4, Slices = 2;

    private async Task<(IModelGrain Model, DataRecord[] Train, DataRecord[] Holdout)> TrainedAsync(string prefix)
    {
        var data = Dataset.Wdbc();
        var (train, holdout) = data.Split();
        var model = await BuildAsync(cluster, data, ClusterFixture.UniqueName(prefix), Shards, Slices, train.Take(300));
        return (model, train, holdout);
    }

    private static async Task<long[][]> PredictionBitsAsync(IModelGrain model, DataRecord[] rows) =>
        [.. (await model.Predict(Rows(rows))).Predictions.Select(p => Bits(p.Probabilities))];

    [Fact]
    public async Task Staged_batches_join_the_model_only_at_the_commit_and_all_together()
    {
        var (model, train, holdout) = await TrainedAsync("stage");
        var before = await PredictionBitsAsync(model, holdout);
        var ingest = Guid.NewGuid().ToString("N");

        var first = await model.StageIngest(ingest, train[300..340]);
        var second = await model.StageIngest(ingest, train[340..380]);

        Assert.Equal((40, 0), (first.Accepted, first.Unchanged));
        Assert.Equal(40, second.Accepted);
        Assert.Equal(300, (await model.GetStatus()).Records);
        Assert.Equal(before, await PredictionBitsAsync(model, holdout));

        var committed = await model.CommitIngest(ingest);
        Assert.Equal(80, committed.Accepted);
        Assert.Equal(380, (await model.GetStatus()).Records);
        // Repeatable: the same answer, nothing added twice.
        Assert.Equal(80, (await model.CommitIngest(ingest)).Accepted);
        Assert.Equal(380, (await model.GetStatus()).Records);
        await Assert.ThrowsAsync<InvalidOperationException>(() => model.StageIngest(ingest, train[380..381]));
        await Assert.ThrowsAsync<InvalidOperationException>(() => model.AbortIngest(ingest));
    }

    [Fact]
    public async Task A_batch_refused_midway_leaves_nothing_of_the_ingest_behind()
    {
        var (model, train, holdout) = await TrainedAsync("refuse");
        var statusBefore = await model.GetStatus();
        var before = await PredictionBitsAsync(model, holdout);
        var ingest = Guid.NewGuid().ToString("N");

        await model.StageIngest(ingest, train[300..360]);
        var conflict = train[10] with { Features = [.. train[10].Features.Select(f => f + 1)] };
        var refused = await Assert.ThrowsAsync<ArgumentException>(() => model.StageIngest(ingest, [.. train[360..380], conflict]));
        Assert.Contains(train[10].Id, refused.Message);
        await model.AbortIngest(ingest);

        var statusAfter = await model.GetStatus();
        Assert.Equal(statusBefore.Records, statusAfter.Records);
        Assert.Equal(statusBefore.Version, statusAfter.Version);
        Assert.Equal(before, await PredictionBitsAsync(model, holdout));
        var aborted = await Assert.ThrowsAsync<InvalidOperationException>(() => model.CommitIngest(ingest));
        Assert.Contains("aborted", aborted.Message);
        // The aborted batch's records are free again.
        Assert.Equal(60, (await model.Ingest(train[300..360])).Accepted);
    }

    [Fact]
    public async Task Records_resent_as_they_are_come_back_unchanged()
    {
        var (model, train, _) = await TrainedAsync("resend");
        var ingest = Guid.NewGuid().ToString("N");
        await model.StageIngest(ingest, train[300..320]);

        // The same batch again in the same ingest (an answer lost), and records already committed.
        var again = await model.StageIngest(ingest, [.. train[300..320], .. train[0..5]]);
        Assert.Equal((0, 25), (again.Accepted, again.Unchanged));
        Assert.Equal(20, (await model.CommitIngest(ingest)).Accepted);

        var whole = await model.Ingest(train[0..320]);
        Assert.Equal((0, 320), (whole.Accepted, whole.Unchanged));
        Assert.Equal(320, whole.TotalRecords);
    }

    [Fact]
    public async Task Two_ingests_cannot_stage_the_same_record()
    {
        var (model, train, _) = await TrainedAsync("twice");
        var first = Guid.NewGuid().ToString("N");
        await model.StageIngest(first, train[300..310]);

        var second = Guid.NewGuid().ToString("N");
        var refused = await Assert.ThrowsAsync<ArgumentException>(() => model.StageIngest(second, train[305..306]));
        Assert.Contains("another ingest", refused.Message);
        await model.AbortIngest(second);
        await model.CommitIngest(first);
        Assert.Equal(310, (await model.GetStatus()).Records);
    }

    [Fact]
    public async Task A_forget_takes_the_subjects_staged_records_too()
    {
        var (model, train, _) = await TrainedAsync("forget-staged");
        var ingest = Guid.NewGuid().ToString("N");
        await model.StageIngest(ingest, train[300..340]);

        var receipt = await model.Forget(train[310].Subject);
        Assert.Equal(0, receipt.RecordsRemoved); // not part of the model yet

        Assert.Equal(39, (await model.CommitIngest(ingest)).Accepted);
        Assert.Equal(339, (await model.GetStatus()).Records);
    }

    [Fact]
    public async Task An_ingest_that_stops_sending_expires_and_leaves_nothing()
    {
        var (model, train, _) = await TrainedAsync("expire");
        var ingest = Guid.NewGuid().ToString("N");
        await model.StageIngest(ingest, train[300..330]);
        var outcomes = cluster.Client.GetGrain<IModelShardEvents>(model.GetPrimaryKeyString());
        Assert.Equal(IngestOutcome.Pending, await outcomes.IngestOutcome(ingest));

        // The fixture expires ingests after 3 s without a batch and sweeps every second.
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (await outcomes.IngestOutcome(ingest) == IngestOutcome.Pending && DateTime.UtcNow < deadline) await Task.Delay(200);

        Assert.Equal(IngestOutcome.Aborted, await outcomes.IngestOutcome(ingest));
        var aborted = await Assert.ThrowsAsync<InvalidOperationException>(() => model.CommitIngest(ingest));
        Assert.Contains("no batch for", aborted.Message);
        Assert.Equal(300, (await model.GetStatus()).Records);
        Assert.Equal(30, (await model.Ingest(train[300..330])).Accepted);
    }
}
