using System.Security.Cryptography;
using Unlearning.Removal;
using Unlearning.TestKit;
using Unlearning.Tests.Support;
using static Unlearning.Tests.Support.ModelHelpers;

namespace Unlearning.Tests.Cluster;

[Collection(ClusterCollection.Name)]
public sealed class CertifiedForgetTests(ClusterFixture cluster)
{
    private static ModelConfig Certified(Dataset data, string name, int shards, double epsilon, ulong seed = 12345) =>
        data.CertifiedConfig(name, shards, epsilon, seed);

    /// <summary>What <c>create --unlearning certified --epsilon 1 --delta 1e-4</c> sends: no sigma, no lambda, the default removals.</summary>
    private static ModelConfig Defaults(Dataset data, string name, int shards)
    {
        var centres = Certified(data, name, shards, 1).Certified!;
        return data.Config(name, shards, 1) with
        {
            Lambda = 0,
            Method = UnlearningMethod.Certified,
            Certified = new CertifiedOptions(1, 1e-4, 0, centres.FeatureCentres, centres.FeatureScales,
                Removals: CertifiedOptions.DefaultRemovals, ChooseLambda: true),
        };
    }

    private async Task<IModelGrain> BuildAsync(ModelConfig config, IEnumerable<DataRecord> records)
    {
        var model = cluster.Model(config.Name);
        await model.Create(config);
        await model.Ingest([.. records]);
        await model.Train();
        return model;
    }

    [Fact]
    public async Task A_forget_is_a_certified_newton_step_that_spends_budget()
    {
        var data = Dataset.Wdbc();
        var (train, holdout) = data.Split();
        var model = await BuildAsync(Certified(data, ClusterFixture.UniqueName("cert"), 2, epsilon: 10), train);
        var before = (await model.GetCertification()).Shards;
        Assert.All(before, s => Assert.NotNull(s.Budget));
        Assert.All(before, s => Assert.Equal(1, s.Refits));
        Assert.True(await AccuracyAsync(model, holdout) > 0.93);

        var receipt = await model.Forget(train[7].Subject);

        Assert.Equal(ForgetMethod.Certified, receipt.Method);
        Assert.Equal(1, receipt.RecordsRemoved);
        var shard = (await model.GetCertification()).Shards[receipt.Shard];
        Assert.True(shard.Budget!.Spent > before[receipt.Shard].Budget!.Spent, $"spent {shard.Budget.Spent}");
        Assert.Equal(1, shard.Refits); // a Newton step, no refit
        Assert.True(receipt.VersionAfter > receipt.VersionBefore);
    }

    [Fact]
    public async Task With_only_epsilon_and_delta_a_model_absorbs_twenty_forgets_without_a_retrain_and_a_rebuild_chooses_the_same()
    {
        var data = Dataset.Wdbc();
        var (train, holdout) = data.Split();
        var config = Defaults(data, ClusterFixture.UniqueName("certcal"), 2);
        var model = await BuildAsync(config, train);

        var calibrated = await model.GetConfig();
        var certified = calibrated.Certified!;
        var calibration = Assert.IsType<CertifiedCalibration>(certified.Calibration);
        Assert.True(certified.Sigma > 0 && calibrated.Lambda > 0, $"sigma {certified.Sigma}, lambda {calibrated.Lambda}");
        Assert.Contains(calibrated.Lambda, CalibrationSearch.LambdaGrid);
        Assert.Equal(2, calibration.ShardStepBounds.Length);
        Assert.Equal(train.Length, calibration.Records);
        Assert.Equal(certified.Sigma, (await model.GetStatus()).Config!.Certified!.Sigma);
        var before = await model.GetCertification();
        Assert.Equal((certified.Sigma, calibrated.Lambda, CertifiedOptions.DefaultRemovals), (before.Sigma, before.Lambda, before.Removals));
        Assert.All(before.Shards, s => Assert.True(s.RemovalsLeft >= CertifiedOptions.DefaultRemovals, $"shard {s.Index}: {s.RemovalsLeft} removals left"));
        Assert.True(await AccuracyAsync(model, holdout) > 0.85);

        // Twenty subjects, spread over both shards: every forget a Newton step, none an exact retrain.
        foreach (var subject in train.Where((_, i) => i % 19 == 4).Take(20).Select(r => r.Subject))
        {
            var receipt = await model.Forget(subject);
            Assert.Equal(ForgetMethod.Certified, receipt.Method);
        }
        var after = await model.GetCertification();
        Assert.All(after.Shards, s => Assert.Equal(1, s.Refits));
        Assert.All(after.Shards, s => Assert.True(s.RemovalsLeft > 0 && s.RemovalsLeft < before.Shards[s.Index].RemovalsLeft));
        Assert.True(await AccuracyAsync(model, holdout) > 0.85);

        // The choice is a function of the records and the config: a fresh build of the same model makes the same one.
        var rebuilt = await (await BuildAsync(config with { Name = ClusterFixture.UniqueName("certcal") }, train)).GetConfig();
        Assert.Equal(Bits([certified.Sigma, calibrated.Lambda]), Bits([rebuilt.Certified!.Sigma, rebuilt.Lambda]));
        Assert.Equal(Bits([.. calibration.ShardStepBounds, calibration.HeldOutAccuracy, calibration.ExactHeldOutAccuracy]),
            Bits([.. rebuilt.Certified.Calibration!.ShardStepBounds, rebuilt.Certified.Calibration.HeldOutAccuracy,
                rebuilt.Certified.Calibration.ExactHeldOutAccuracy]));
    }

    [Fact]
    public async Task Removals_and_sigma_are_refused_together_and_out_of_bounds_removals_at_create()
    {
        var data = Dataset.Wdbc();
        var name = ClusterFixture.UniqueName("certcalbad");
        var good = Defaults(data, name, 1);
        var model = cluster.Model(name);
        foreach (var (bad, expected) in new (ModelConfig, string)[]
        {
            (good with { Certified = good.Certified! with { Removals = ModelLimits.MaxRemovals + 1 } }, "removals must be between 1 and 1000000"),
            (good with { Certified = good.Certified! with { Removals = -1 } }, "removals must be between 1 and 1000000"),
            (good with { Certified = good.Certified! with { Sigma = 2 } }, "not both"),
            (good with { Lambda = 0.01 }, "lambda is chosen by the calibration"),
            (good with { Certified = good.Certified! with { Removals = 0 } }, "lambda is chosen only by a calibration"),
            (good with { Certified = good.Certified! with { Calibration = new CertifiedCalibration(1, 1, [1], 1, 1, 1, []) } }, "cannot be given"),
        })
        {
            var error = await Assert.ThrowsAnyAsync<ArgumentException>(() => model.Create(bad));
            Assert.Contains(expected, error.Message);
        }
        await Assert.ThrowsAsync<KeyNotFoundException>(() => model.GetConfig());
    }

    [Fact]
    public async Task Exhausting_the_budget_retrains_exactly_with_noise_of_its_own()
    {
        var data = Dataset.Wdbc();
        var (train, _) = data.Split();
        // A budget so small that the first Newton step cannot fit in it.
        var config = Certified(data, ClusterFixture.UniqueName("certx"), 1, epsilon: 1e-9);
        var model = await BuildAsync(config, train);

        var receipt = await model.Forget(train[3].Subject);
        Assert.Equal(ForgetMethod.Retrain, receipt.Method);

        // An exact fit of the remaining records, with the noise of the shard's second refit (the first trained it):
        // drawn from the model's key, as a fresh build's first fit would not be.
        var key = SHA256.HashData(BitConverter.GetBytes(12345UL));
        var remaining = train.Where(r => r.Subject != train[3].Subject).OrderBy(r => r.Id, StringComparer.Ordinal).ToArray();
        var rows = CertifiedConfig.Transform(config).Apply(TrainingInputOf(remaining, config));
        var expected = CertifiedClassifier.Flatten(CertifiedConfig.Fit(rows, config, CertifiedConfig.NoiseSeed(key, 0, 2)));
        var firstNoise = CertifiedClassifier.Flatten(CertifiedConfig.Fit(rows, config, CertifiedConfig.NoiseSeed(key, 0, 1)));
        var retrained = (await cluster.Shard(config.Name, 0).GetSnapshot()).Weights!;
        Assert.Equal(Bits(expected), Bits(retrained));
        Assert.NotEqual(Bits(firstNoise), Bits(retrained));
    }

    private static Learning.TrainingSet TrainingInputOf(DataRecord[] records, ModelConfig config) =>
        new([.. records.SelectMany(r => r.Features)], [.. records.Select(r => r.Label)], config.FeatureCount, config.ClassCount);

    [Fact]
    public async Task A_dry_run_of_a_certified_forget_previews_the_update_exactly_and_changes_nothing()
    {
        var data = Dataset.Wdbc();
        var (train, holdout) = data.Split();
        var model = await BuildAsync(Certified(data, ClusterFixture.UniqueName("certd"), 1, epsilon: 10), train);
        var subject = train[11].Subject;
        var status = await model.GetStatus();

        var estimate = await model.EstimateForget(subject, Rows(holdout));
        Assert.Equal(ForgetMethod.Certified, estimate.Method);
        Assert.Equal(1, estimate.RecordsAffected);
        Assert.Equal(status.Version, (await model.GetStatus()).Version);

        await model.Forget(subject);
        var after = await model.Predict(Rows(holdout));
        Assert.Equal(after.Predictions.Select(p => Bits(p.Probabilities)), estimate.After.Select(p => Bits(p.Probabilities)));
    }

    [Fact]
    public async Task Invalid_certified_settings_are_refused_at_create()
    {
        var data = Dataset.Wdbc();
        var name = ClusterFixture.UniqueName("certbad");
        var good = Certified(data, name, 1, epsilon: 1);
        var model = cluster.Model(name);
        foreach (var (bad, expected) in new (ModelConfig, string)[]
        {
            (good with { Certified = good.Certified! with { Epsilon = 0 } }, "epsilon"),
            (good with { Certified = good.Certified! with { Delta = 1.5 } }, "delta"),
            (good with { Certified = good.Certified! with { Sigma = -1 } }, "sigma"),
            (good with { Slices = 4 }, "slices must be 1"),
            (good with { Certified = null }, "needs epsilon"),
            (data.Config(name, 1, 1) with { Certified = good.Certified }, "only to certified"),
        })
        {
            var error = await Assert.ThrowsAnyAsync<ArgumentException>(() => model.Create(bad));
            Assert.Contains(expected, error.Message);
        }
        await Assert.ThrowsAsync<KeyNotFoundException>(() => model.GetConfig());
    }
}
