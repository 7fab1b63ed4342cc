using Unlearning.Learning;
using Unlearning.Removal;
using Xunit.Abstractions;
using static Unlearning.Tests.Support.UnlearningData;

namespace Unlearning.Tests.Removal;

public sealed class CalibrationSearchTests(ITestOutputHelper output)
{
    private const double Epsilon = 1;
    private const double Delta = 1e-4;

    /// <summary>Two overlapping Gaussian classes in four dimensions, scaled into the unit ball, with a bias feature; ids r0000...</summary>
    private static (TrainingSet Rows, string[] Ids) TwoBlobs(int rows, int seed)
    {
        const int features = 4;
        var random = new Random(seed);
        var x = new double[rows * features];
        var y = new int[rows];
        for (var i = 0; i < rows; i++)
        {
            y[i] = i % 2;
            for (var j = 0; j < features; j++) x[i * features + j] = (y[i] == 1 ? 0.6 : -0.6) * (j == 0 ? 1 : 0.3) + Normal(random);
        }
        var transform = new UnitBallTransform(features, centre: null, scale: [3, 3, 3, 3], intercept: true);
        return (transform.Apply(new TrainingSet(x, y, features, 2)), [.. Enumerable.Range(0, rows).Select(i => $"r{i:D4}")]);
    }


    /// <summary>Runs the search over one shard's rows as the model grain runs it over every shard's answers.</summary>
    private static CalibrationChoice Calibrate(TrainingSet rows, string[] ids, int removals, IReadOnlyList<double> lambdas)
    {
        var pilot = PilotData.Of(rows, ids) ?? throw new InvalidOperationException("too few rows");
        var search = new CalibrationSearch(lambdas, removals, Epsilon, Delta);
        while (search.NextRound() is { Count: > 0 } round)
            search.Record([round.Select(candidate => (PilotMeasurement?)PilotCalibration.Measure(pilot, candidate, shard: 0)).ToArray()]);
        return search.Result();
    }

    [Fact]
    public void The_calibrated_model_absorbs_the_removals_asked_for_without_a_retrain_and_its_sigma_is_not_wasted()
    {
        const int removals = 60;
        var (rows, ids) = TwoBlobs(1_200, seed: 11);
        var choice = Calibrate(rows, ids, removals, CalibrationSearch.LambdaGrid);
        output.WriteLine($"lambda {choice.Lambda}, sigma {choice.Sigma}, step {choice.ShardStepBounds[0]:E3}, held-out {choice.HeldOutAccuracy} vs exact {choice.ExactHeldOutAccuracy}");
        foreach (var c in choice.Candidates) output.WriteLine($"  lambda {c.Lambda}: sigma {c.Sigma}, {c.HeldOutAccuracy} vs {c.ExactHeldOutAccuracy}, settled {c.Settled}");

        // The served model draws other noise than the pilots did (a secret key's); the budget must hold all the same.
        var settings = new CertificationSettings(choice.Lambda, choice.Sigma, Epsilon, Delta);
        var model = CertifiedTrainer.Fit(rows, settings, noiseSeed: 0x5EC2E7).Model;
        var basis = RemovalBasis.Compute(model, rows);
        var order = Enumerable.Range(0, rows.Rows).ToList();
        new Random(3).Shuffle(System.Runtime.InteropServices.CollectionsMarshal.AsSpan(order));
        var remaining = Enumerable.Range(0, rows.Rows).ToList();
        for (var k = 0; k < removals; k++)
        {
            var at = remaining.IndexOf(order[k]);
            var outcome = CertifiedRemoval.Remove(basis, [at], refitNoiseSeed: 1);
            Assert.False(outcome.BudgetExhausted, $"removal {k + 1} of {removals} overran the budget: {outcome.ResidualBoundAfterStep} > {model.Budget}");
            model = outcome.Model;
            remaining.RemoveAt(at);
            basis = RemovalBasis.Compute(model, basis.Without([at]));
        }
        Assert.True(model.ResidualBound <= model.Budget);

        // The sigma the removals actually needed, against the one chosen: enough, and not by a wide margin (the planned
        // Margin, the deviations' allowance, two-digit rounding and a pilot's estimate leave it within 3 times).
        var needed = model.ResidualBound * Math.Sqrt(2 * Math.Log(1.5 / Delta)) / Epsilon;
        output.WriteLine($"spent {model.ResidualBound:E3} of {model.Budget:E3}: sigma needed {needed:G3}, chosen {choice.Sigma}");
        Assert.InRange(choice.Sigma, needed, 3 * needed);
        Assert.True(choice.HeldOutAccuracy >= choice.ExactHeldOutAccuracy - 0.05,
            $"held-out accuracy {choice.HeldOutAccuracy} far below the exact {choice.ExactHeldOutAccuracy}");
    }

    [Fact]
    public void Asking_for_more_removals_buys_a_larger_sigma()
    {
        var (rows, ids) = TwoBlobs(1_200, seed: 11);
        var few = Calibrate(rows, ids, 10, [1e-2]);
        var many = Calibrate(rows, ids, 100, [1e-2]);
        output.WriteLine($"10 removals: sigma {few.Sigma}; 100: sigma {many.Sigma}");
        Assert.Equal((1e-2, 1e-2), (few.Lambda, many.Lambda));
        Assert.InRange(many.Sigma / few.Sigma, 5, 20);
    }

    [Fact]
    public void The_choice_is_a_function_of_the_records_alone()
    {
        var (rows, ids) = TwoBlobs(600, seed: 5);
        var first = Calibrate(rows, ids, 30, CalibrationSearch.LambdaGrid);
        var again = Calibrate(rows, ids, 30, CalibrationSearch.LambdaGrid);
        Assert.Equal(BitConverter.DoubleToInt64Bits(first.Sigma), BitConverter.DoubleToInt64Bits(again.Sigma));
        Assert.Equal(first.Lambda, again.Lambda);
        Assert.Equal(Bits(first.ShardStepBounds), Bits(again.ShardStepBounds));
        Assert.Equal(first.HeldOutAccuracy, again.HeldOutAccuracy);
    }

    [Fact]
    public void Single_removal_bounds_are_what_a_removal_spends()
    {
        var (rows, _) = TwoBlobs(300, seed: 2);
        var model = CertifiedTrainer.Fit(rows, new CertificationSettings(1e-2, 1, Epsilon, Delta), noiseSeed: 9).Model;
        var basis = RemovalBasis.Compute(model, rows);
        int[] sample = [0, 17, 150, 299];
        var bounds = SingleRemovalBounds.Measure(basis, sample);
        for (var i = 0; i < sample.Length; i++)
        {
            var spent = CertifiedRemoval.Remove(basis, [sample[i]], refitNoiseSeed: 1).StepBounds[0];
            Assert.Equal(spent, bounds[i][0], spent * 1e-9);
        }
    }

    [Theory]
    [InlineData(1.0, 1.0)]
    [InlineData(1.01, 1.1)]
    [InlineData(4.87, 4.9)]
    [InlineData(9.91, 10)]
    [InlineData(0.000123401, 0.00013)]
    [InlineData(123456, 130000)]
    public void Sigma_is_rounded_up_to_two_significant_digits(double value, double expected) =>
        Assert.Equal(expected, CalibrationSearch.RoundUp(value));

    [Fact]
    public void A_shard_too_small_to_measure_is_left_out_and_no_shard_at_all_is_an_error()
    {
        var (rows, ids) = TwoBlobs(PilotCalibration.MinShardRows - 1, seed: 1);
        Assert.Null(PilotData.Of(rows, ids));
        var search = new CalibrationSearch([1e-2], 10, Epsilon, Delta);
        var round = search.NextRound();
        var error = Assert.Throws<InvalidOperationException>(() => search.Record([new PilotMeasurement?[round.Count]]));
        Assert.Contains("ingest more records", error.Message);
    }
}
