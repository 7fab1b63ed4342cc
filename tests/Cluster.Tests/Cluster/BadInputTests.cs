using Unlearning.Learning;
using Unlearning.TestKit;
using Unlearning.Tests.Support;
using static Unlearning.Tests.Support.ModelHelpers;

namespace Unlearning.Tests.Cluster;

[Collection(ClusterCollection.Name)]
public sealed class BadInputTests(ClusterFixture cluster)
{
    private async Task<(IModelGrain Model, DataRecord[] Train, DataRecord[] Holdout)> TrainedAsync()
    {
        var data = Dataset.Wdbc();
        var (train, holdout) = data.Split();
        var model = await BuildAsync(cluster, data, ClusterFixture.UniqueName("bad"), 4, 2, train);
        return (model, train, holdout);
    }

    /// <summary>Runs <paramref name="bad"/>, expects its error to mention <paramref name="expected"/>, and checks nothing changed.</summary>
    private static async Task AssertRejectedAsync<TException>(IModelGrain model, DataRecord[] holdout, Func<Task> bad, string expected)
        where TException : Exception
    {
        var statusBefore = await model.GetStatus();
        var predictionsBefore = await model.Predict(Rows(holdout));

        var error = await Assert.ThrowsAsync<TException>(bad);
        Assert.Contains(expected, error.Message);

        var statusAfter = await model.GetStatus();
        Assert.Equal(statusBefore.Records, statusAfter.Records);
        Assert.Equal(statusBefore.Version, statusAfter.Version);
        var predictionsAfter = await model.Predict(Rows(holdout));
        Assert.Equal(predictionsBefore.Predictions.Select(p => Bits(p.Probabilities)), predictionsAfter.Predictions.Select(p => Bits(p.Probabilities)));
    }

    private static DataRecord Fresh(DataRecord template, string id) => template with { Id = id, Subject = id };

    [Fact]
    public async Task Wrong_feature_count_is_refused()
    {
        var (model, train, holdout) = await TrainedAsync();
        var batch = new[] { Fresh(train[0], "new-1"), Fresh(train[1], "new-2") with { Features = [1.0, 2.0] } };
        await AssertRejectedAsync<ArgumentException>(model, holdout, () => model.Ingest(batch), "expects 30");
        await Assert.ThrowsAsync<ArgumentException>(() => model.Predict([[1.0, 2.0]]));
    }

    [Fact]
    public async Task Non_finite_features_are_refused()
    {
        var (model, train, holdout) = await TrainedAsync();
        var features = (double[])train[0].Features.Clone();
        features[3] = double.NaN;
        var batch = new[] { Fresh(train[0], "new-1"), Fresh(train[0], "new-2") with { Features = features } };
        await AssertRejectedAsync<ArgumentException>(model, holdout, () => model.Ingest(batch), "mean_area");
        features[3] = double.PositiveInfinity;
        var error = await Assert.ThrowsAsync<ArgumentException>(() => model.Predict([features]));
        Assert.Contains("not a finite number", error.Message);
    }

    [Fact]
    public async Task Duplicate_ids_are_refused_whether_in_the_batch_or_already_stored()
    {
        var (model, train, holdout) = await TrainedAsync();
        var inBatch = new[] { Fresh(train[0], "dup-1"), Fresh(train[1], "dup-1") };
        await AssertRejectedAsync<ArgumentException>(model, holdout, () => model.Ingest(inBatch), "dup-1");
        // Same id as a stored record, with another subject of the same shard: the owning shard refuses it, and the
        // whole batch with it (the other record goes to another shard).
        var sameShard = Enumerable.Range(0, 1000).Select(i => $"someone-{i}")
            .First(subject => Partitioning.ShardOf(subject, 4) == Partitioning.ShardOf(train[5].Subject, 4));
        var otherShard = Enumerable.Range(0, 1000).Select(i => $"ok-{i}")
            .First(id => Partitioning.ShardOf(id, 4) != Partitioning.ShardOf(train[5].Subject, 4));
        var stored = new[] { Fresh(train[2], otherShard), train[5] with { Subject = sameShard } };
        await AssertRejectedAsync<ArgumentException>(model, holdout, () => model.Ingest(stored), train[5].Id);
        // Same id and subject, other features.
        await AssertRejectedAsync<ArgumentException>(model, holdout, () => model.Ingest([train[6] with { Features = [.. train[6].Features.Select(f => f + 1)] }]), train[6].Id);
    }

    [Fact]
    public async Task Resending_stored_records_is_accepted_without_change()
    {
        var (model, train, holdout) = await TrainedAsync();
        var before = await model.GetStatus();
        var predictionsBefore = await model.Predict(Rows(holdout));

        var result = await model.Ingest(train.Take(50).ToArray());

        Assert.Equal((0, 50), (result.Accepted, result.Unchanged));
        Assert.Equal(before.Records, result.TotalRecords);
        var after = await model.GetStatus();
        Assert.Equal(before.Version, after.Version);
        Assert.Equal(predictionsBefore.Predictions.Select(p => Bits(p.Probabilities)), (await model.Predict(Rows(holdout))).Predictions.Select(p => Bits(p.Probabilities)));
        // The same id with other content is still a conflict.
        var changed = train[0] with { Label = 1 - train[0].Label };
        var error = await Assert.ThrowsAsync<ArgumentException>(() => model.Ingest([changed]));
        Assert.Contains("other content", error.Message);
    }

    [Fact]
    public async Task Oversized_batches_and_bad_labels_are_refused()
    {
        var (model, train, holdout) = await TrainedAsync();
        var huge = Enumerable.Range(0, 100_001).Select(i => Fresh(train[0], $"big-{i}")).ToArray();
        await AssertRejectedAsync<ArgumentException>(model, holdout, () => model.Ingest(huge), "exceeds the limit");
        var badLabel = new[] { Fresh(train[0], "label-1") with { Label = 7 } };
        await AssertRejectedAsync<ArgumentException>(model, holdout, () => model.Ingest(badLabel), "label index 7");
    }

    [Fact]
    public async Task Unknown_models_are_named_in_the_error()
    {
        var model = cluster.Model("no-such-model");
        var error = await Assert.ThrowsAsync<KeyNotFoundException>(() => model.Forget("P000001"));
        Assert.Contains("unknown model 'no-such-model'", error.Message);
        await Assert.ThrowsAsync<KeyNotFoundException>(() => model.Predict([[1.0]]));
        await Assert.ThrowsAsync<KeyNotFoundException>(() => model.GetStatus());
    }

    [Fact]
    public async Task Invalid_configs_and_second_creates_are_refused()
    {
        var data = Dataset.Wdbc();
        var name = ClusterFixture.UniqueName("cfg");
        var model = cluster.Model(name);
        Assert.Contains("shards", (await Assert.ThrowsAsync<ArgumentException>(() => model.Create(data.Config(name, 0, 4)))).Message);
        Assert.Contains("two labels", (await Assert.ThrowsAsync<ArgumentException>(() =>
            model.Create(data.Config(name, 2, 2) with { Labels = ["only"] }))).Message);
        Assert.Contains("lambda", (await Assert.ThrowsAsync<ArgumentException>(() =>
            model.Create(data.Config(name, 2, 2) with { Lambda = double.NaN }))).Message);
        await model.Create(data.Config(name, 2, 2));
        Assert.Contains("already exists", (await Assert.ThrowsAsync<InvalidOperationException>(() => model.Create(data.Config(name, 2, 2)))).Message);
        Assert.Contains("not trained", (await Assert.ThrowsAsync<InvalidOperationException>(() => model.Predict([data.Records[0].Features]))).Message);
        Assert.Contains("no records", (await Assert.ThrowsAsync<InvalidOperationException>(() => model.Train())).Message);
    }
}
