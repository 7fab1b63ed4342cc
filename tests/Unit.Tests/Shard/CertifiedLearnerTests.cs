using Unlearning.Removal;
using Unlearning.Shard;
using Unlearning.TestKit;
using Unlearning.Tests.Support;
using static Unlearning.Tests.Support.UnlearningData;

namespace Unlearning.Tests.Shard;

/// <summary>A certified shard's learner driven as the shard grain drives it: prepare, run the job, accept.</summary>
public sealed class CertifiedLearnerTests
{
    private static readonly Dataset Data = Dataset.Wdbc();

    private static readonly ModelConfig Config = CertifiedModelConfig();
    private static readonly byte[] NoiseKey = [.. Enumerable.Range(1, 32).Select(i => (byte)i)];

    // Spread-out subjects, removed one forget at a time (a subject owns one record in wdbc).
    private static readonly string[][] Forgets = [[Sorted()[7].Id], [Sorted()[100].Id, Sorted()[401].Id]];

    [Fact]
    public async Task Successive_forgets_from_background_bases_give_the_bits_of_bases_computed_synchronously()
    {
        var reference = SynchronousSteps();
        // Once stepping straight after each accept (the job then usually waits for the basis), once with the basis ready.
        foreach (var waitForBasis in new[] { false, true })
        {
            var shard = new LearnerHarness();
            shard.Step();
            for (var f = 0; f < Forgets.Length; f++)
            {
                if (waitForBasis) await shard.Learner.CurrentBasis!;
                shard.Forget(Forgets[f]);
                var result = shard.Step();
                Assert.Equal(ForgetMethod.Certified, result.Method);
                Assert.Equal(Bits(CertifiedClassifier.Flatten(reference[f])), Bits(result.Weights!));
                Assert.Equal(Bits(reference[f].ResidualBounds), Bits(shard.State.Certified!.ResidualBounds));
            }
        }
    }

    [Fact]
    public async Task After_a_forget_is_stepped_the_basis_holds_exactly_the_remaining_records()
    {
        var shard = new LearnerHarness();
        shard.Step();
        var before = await shard.Learner.CurrentBasis!;
        Assert.Equal(Sorted().Select(r => r.Id), before.Ids);

        var removed = shard.Forget(Forgets[1]);
        // Until the Newton step that removes them is accepted, the model (and so its basis) still stands for them.
        Assert.Same(before, await shard.Learner.CurrentBasis!);
        shard.Step();

        var after = await shard.Learner.CurrentBasis!;
        Assert.NotSame(before, after);
        Assert.Empty(after.Ids.Intersect(removed.Select(r => r.Id)));
        Assert.Equal(shard.Slice.Select(r => r.Id), after.Ids);
        Assert.Equal(shard.Slice.Count, after.Model.Rows);
        var remaining = CertifiedConfig.Transform(Config).Apply(TrainingInput.Of(shard.Slice, Config)!.Set);
        Assert.Equal(Bits(remaining.Features), Bits(after.Basis.Rows.Features));
        Assert.Equal(Bits(CertifiedClassifier.Flatten(after.Model)), Bits(shard.LastWeights!));
    }

    [Fact]
    public async Task A_restored_shard_builds_its_basis_from_its_records_and_previews_and_steps_to_the_same_bits()
    {
        var running = new LearnerHarness();
        running.Step();
        var stored = running.State.Certified;
        running.Forget(Forgets[0]);
        var stepped = running.Step();

        var restored = new LearnerHarness(stored);
        Assert.Null(restored.Learner.CurrentBasis);
        var subject = restored.Slice.Where(r => Forgets[0].Contains(r.Id)).ToArray();
        var serving = new ShardServing(1, null, InMemoryShardRecords.Of(restored.Slice), Current: true);
        var preview = await restored.Learner.EstimateForgetAsync(subject, serving);
        Assert.NotNull(restored.Learner.CurrentBasis);
        restored.Forget(Forgets[0]);
        var step = restored.Step();

        Assert.Equal(Bits(stepped.Weights!), Bits(preview.WeightsAfter!));
        Assert.Equal(Bits(stepped.Weights!), Bits(step.Weights!));
    }

    [Fact]
    public void A_restored_shard_with_no_basis_steps_from_its_records_and_the_pending_removals()
    {
        var running = new LearnerHarness();
        running.Step();
        var stored = running.State.Certified;
        running.Forget(Forgets[1]);
        var stepped = running.Step();

        var restored = new LearnerHarness(stored);
        restored.Forget(Forgets[1]);
        Assert.Null(restored.Learner.CurrentBasis);
        Assert.Equal(Bits(stepped.Weights!), Bits(restored.Step().Weights!));
    }

    [Fact]
    public void After_an_ingest_a_restarted_shard_refits_instead_of_stepping_from_a_model_that_never_saw_the_new_records()
    {
        var shard = new LearnerHarness();
        var late = shard.Slice.Where((_, i) => i % 10 == 0).ToArray();
        shard.Slice.RemoveAll(late.Contains);
        shard.Step();
        // An ingest brings the late records; the silo dies before the retrain it schedules completes.
        shard.Slice.AddRange(late);
        shard.Slice.Sort((a, b) => string.CompareOrdinal(a.Id, b.Id));
        shard.Learner.RecordsAdded(shard.State);
        Assert.Null(shard.State.Certified);

        var restarted = new LearnerHarness(shard.State.Certified) { State = { NoiseRefits = shard.State.NoiseRefits } };
        restarted.Forget(Forgets[0]);
        var result = restarted.Step();

        Assert.Equal(ForgetMethod.Retrain, result.Method);
        Assert.Equal(restarted.Slice.Count, restarted.State.Certified!.Rows);
    }

    [Fact]
    public void The_forecast_rests_on_the_shards_own_steps_per_binary_model_once_there_are_enough_and_survives_a_restart()
    {
        var shard = new LearnerHarness();
        shard.Step();
        var fit = shard.State.Certified!.ResidualBounds.ToArray();
        Assert.Equal(Bits(fit), Bits(shard.State.Certified.FitBounds!));
        var records = Sorted();
        for (var i = 0; i < CertifiedLearner.ObservedSteps; i++)
        {
            shard.Forget([records[10 + 37 * i].Id]);
            Assert.Equal(ForgetMethod.Certified, shard.Step().Method);
        }

        var stored = shard.State.Certified!;
        var rates = stored.ResidualBounds.Select((bound, m) => (bound - fit[m]) / CertifiedLearner.ObservedSteps).ToArray();
        var forecast = shard.Learner.Forecast!;
        Assert.Equal(RemovalProjection.Rate(rates), forecast.StepBound);
        Assert.Equal(RemovalProjection.RemovalsLeft(stored.ResidualBounds, rates, shard.Learner.Budget!.Total), forecast.RemovalsLeft);
        Assert.True(forecast.RemovalsLeft > 0);
        Assert.Equal(forecast, new LearnerHarness(stored).Learner.Forecast);
    }

    [Fact]
    public void Before_its_own_steps_the_forecast_takes_the_calibrations_per_model_rates_or_an_older_calibrations_total()
    {
        var fitted = new LearnerHarness();
        fitted.Step();
        var stored = fitted.State.Certified!;
        var budget = fitted.Learner.Budget!;
        static ModelConfig Calibrated(double total, double[][]? perModel) => Config with
        {
            Certified = Config.Certified! with { Calibration = new CertifiedCalibration(1, total, [total], 1, 1, 1, [], total, perModel) },
        };

        var current = new LearnerHarness(stored, Calibrated(0.002, [[0.003]])).Learner.Forecast!;
        Assert.Equal(0.003, current.StepBound);
        Assert.Equal(RemovalProjection.RemovalsLeft(stored.ResidualBounds, [0.003], budget.Total), current.RemovalsLeft);

        var older = new LearnerHarness(stored, Calibrated(0.002, null)).Learner.Forecast!;
        Assert.Equal(0.002, older.StepBound);
        Assert.Equal((long)Math.Floor(budget.Left / 0.002), older.RemovalsLeft);
    }

    [Fact]
    public async Task Verification_finds_the_served_model_within_its_bound_and_catches_other_weights_or_records()
    {
        var shard = new LearnerHarness();
        var fit = shard.Step();
        Assert.True((await shard.Learner.VerifyAsync(InMemoryShardRecords.Of(shard.Slice), fit.Weights)).Verified);

        var removed = shard.Forget(Forgets[1]);
        var step = shard.Step();
        var after = await shard.Learner.VerifyAsync(InMemoryShardRecords.Of(shard.Slice), step.Weights);
        Assert.True(after.Verified);
        Assert.True(after.Residual > 0 && after.Residual <= after.Bound, $"residual {after.Residual}, bound {after.Bound}");

        var tampered = (double[])step.Weights!.Clone();
        tampered[0] = Math.BitIncrement(tampered[0]);
        Assert.False((await shard.Learner.VerifyAsync(InMemoryShardRecords.Of(shard.Slice), tampered)).Verified);
        // A forgotten record still in storage: the model no longer stands for the stored records.
        var resurrected = shard.Slice.Concat(removed).OrderBy(r => r.Id, StringComparer.Ordinal).ToList();
        Assert.False((await shard.Learner.VerifyAsync(InMemoryShardRecords.Of(resurrected), step.Weights)).Verified);
    }

    /// <summary>The model after each of <see cref="Forgets"/>, every basis computed in this thread from the records left.</summary>
    private static CertifiedModel[] SynchronousSteps()
    {
        var records = Sorted().ToList();
        CertifiedShardBasis BasisOf(CertifiedModel? model)
        {
            var data = TrainingInput.Of(records, Config)!;
            var rows = CertifiedConfig.Transform(Config).Apply(data.Set);
            return CertifiedShardBasis.Compute(model ?? CertifiedConfig.Fit(rows, Config, CertifiedConfig.NoiseSeed(NoiseKey, 0, 1)), rows, data.Ids);
        }
        var basis = BasisOf(null);
        var models = new List<CertifiedModel>();
        foreach (var forget in Forgets)
        {
            var outcome = CertifiedRemoval.Remove(basis.Basis, basis.IndicesOf(forget), basis.Model.NoiseSeed);
            models.Add(outcome.Model);
            records.RemoveAll(r => forget.Contains(r.Id));
            basis = BasisOf(outcome.Model);
        }
        return [.. models];
    }

    private static DataRecord[] Sorted() => [.. Data.Records.OrderBy(r => r.Id, StringComparer.Ordinal)];

    private static ModelConfig CertifiedModelConfig() => Data.CertifiedConfig("certified-learner", 1, noiseSeed: 12345);

    /// <summary>One shard's records (one slice, sorted by id) and state around a learner.</summary>
    private sealed class LearnerHarness
    {
        public LearnerHarness(CertifiedState? stored = null, ModelConfig? config = null)
        {
            // A restored shard has its row back: the key and the count of refits drawn so far.
            config ??= Config;
            State = new ShardState { Config = config, Certified = stored, NoiseKey = NoiseKey, NoiseRefits = stored?.Refit ?? 0 };
            Learner = new CertifiedLearner(config, 0, State);
        }

        public ShardState State { get; }
        public CertifiedLearner Learner { get; }
        public List<DataRecord> Slice { get; } = [.. Sorted()];
        public double[]? LastWeights { get; private set; }

        public DataRecord[] Forget(string[] ids)
        {
            var removed = Slice.Where(r => ids.Contains(r.Id)).ToArray();
            Slice.RemoveAll(r => ids.Contains(r.Id));
            Learner.RecordsRemoved(removed, State);
            return removed;
        }

        public CheckpointResult Step()
        {
            var checkpoint = Learner.Prepare(0, InMemoryShardRecords.Of(Slice), []);
            var result = checkpoint.Compute(CancellationToken.None);
            checkpoint.Accept(State);
            LastWeights = result.Weights;
            return result;
        }
    }
}
