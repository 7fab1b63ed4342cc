using Unlearning.TestKit;
using Unlearning.Tests.Support;
using static Unlearning.Tests.Support.ModelHelpers;

namespace Unlearning.Tests.Cluster;

[Collection(ClusterCollection.Name)]
public sealed class InfluenceTests(ClusterFixture cluster)
{
    [Fact]
    public async Task Uncertain_training_rows_are_explained_by_their_own_records()
    {
        var data = Dataset.Wdbc();
        var (train, _) = data.Split();
        var model = await BuildAsync(cluster, data, ClusterFixture.UniqueName("explain"), 4, 2, train);
        // The training rows the model fits worst: their own gradients are large, so up-weighting a row's own
        // record moves its loss the most (down for its true label, up for a wrong predicted one).
        var fitted = await model.Predict(Rows(train));
        var probes = train.Select((record, i) => (Record: record, Prediction: fitted.Predictions[i]))
            .OrderBy(p => p.Prediction.Probabilities[p.Record.Label]).Take(10).ToArray();

        var batch = await model.Explain([.. probes.Select(p => p.Record.Features)], 5);

        Assert.Equal(probes.Length, batch.Rows.Length);
        var ids = train.Select(r => r.Id).ToHashSet();
        var selfExplained = 0;
        for (var i = 0; i < probes.Length; i++)
        {
            var (record, prediction) = probes[i];
            var row = batch.Rows[i];
            Assert.Equal(prediction.Label, row.Label);
            Assert.InRange(row.Raising.Length, 1, 5);
            Assert.InRange(row.Lowering.Length, 1, 5);
            Assert.All(row.Raising.Concat(row.Lowering), r => Assert.Contains(r.RecordId, ids));
            Assert.All(row.Raising, r => Assert.True(r.Score > 0));
            Assert.All(row.Lowering, r => Assert.True(r.Score < 0));
            Assert.Equal(row.Raising.Select(r => r.Score).OrderDescending(), row.Raising.Select(r => r.Score));
            var own = row.Label == record.Label ? row.Lowering : row.Raising;
            if (own.Any(r => r.RecordId == record.Id && r.Shard == Unlearning.Learning.Partitioning.ShardOf(record.Subject, 4))) selfExplained++;
        }
        Assert.True(selfExplained >= probes.Length / 2, $"{selfExplained} of {probes.Length} rows explained by their own records");
    }

    [Fact]
    public async Task A_dry_run_estimates_the_change_a_forget_then_makes()
    {
        var data = Dataset.Wdbc();
        var (train, holdout) = data.Split();
        // One subject owns twelve records, so forgetting it moves predictions measurably.
        train = train.Select((r, i) => i % 37 == 0 ? r with { Subject = "family-12" } : r).ToArray();
        var model = await BuildAsync(cluster, data, ClusterFixture.UniqueName("dryrun"), 1, 1, train);
        var version = (await model.GetStatus()).Version;

        var estimate = await model.EstimateForget("family-12", Rows(holdout));
        Assert.Equal(ForgetMethod.Influence, estimate.Method);
        Assert.Equal(train.Count(r => r.Subject == "family-12"), estimate.RecordsAffected);
        Assert.Equal(version, (await model.GetStatus()).Version);

        await model.Forget("family-12");
        var actual = await model.Predict(Rows(holdout));
        var predicted = estimate.After.Select((p, i) => p.Probabilities[1] - estimate.Before[i].Probabilities[1]).ToArray();
        var observed = actual.Predictions.Select((p, i) => p.Probabilities[1] - estimate.Before[i].Probabilities[1]).ToArray();
        Assert.True(Pearson(predicted, observed) > 0.9, $"correlation {Pearson(predicted, observed)}");
    }

    private static double Pearson(double[] x, double[] y)
    {
        double mx = x.Average(), my = y.Average();
        double sxy = 0, sxx = 0, syy = 0;
        for (var i = 0; i < x.Length; i++)
        {
            sxy += (x[i] - mx) * (y[i] - my);
            sxx += (x[i] - mx) * (x[i] - mx);
            syy += (y[i] - my) * (y[i] - my);
        }
        return sxy / Math.Sqrt(sxx * syy);
    }
}
