using Unlearning.Learning;
using Unlearning.Removal;
using Xunit.Abstractions;
using static Unlearning.Tests.Support.UnlearningData;

namespace Unlearning.Tests.Removal;

public sealed class RemovalProjectionTests(ITestOutputHelper output)
{
    private const double Epsilon = 1;
    private const double Delta = 1e-4;

    [Fact]
    public void One_binary_model_spends_its_budget_left_at_its_rate()
    {
        Assert.Equal(7, RemovalProjection.RemovalsLeft([0.25], [0.1], 1.0));
        Assert.Equal(0.1, RemovalProjection.Rate([0.1]));
    }

    [Fact]
    public void Binary_models_add_in_quadrature()
    {
        // |N (3, 4)| = 5 N: ten removals reach a budget of 50 exactly.
        Assert.Equal(10, RemovalProjection.RemovalsLeft([0, 0], [3, 4], 50));
        Assert.Equal(5, RemovalProjection.Rate([3, 4]));
        // Residual spent in one model leaves the others more than a plain difference would: 30^2 + (4 N)^2 <= 34^2 for N <= 4.
        Assert.Equal(4, RemovalProjection.RemovalsLeft([30, 0], [0, 4], 34));
    }

    [Fact]
    public void A_spent_budget_leaves_none_and_no_rate_leaves_no_estimate()
    {
        Assert.Equal(0, RemovalProjection.RemovalsLeft([3, 4], [1, 1], 4.9));
        Assert.Null(RemovalProjection.RemovalsLeft([0.1, 0.2], [0, 0], 1));
        Assert.Equal(RemovalProjection.Unbounded, RemovalProjection.RemovalsLeft([0], [1e-13], 1));
        Assert.Throws<ArgumentException>(() => RemovalProjection.RemovalsLeft([0, 0], [1], 1));
        Assert.Throws<ArgumentOutOfRangeException>(() => RemovalProjection.RemovalsLeft([0], [-1], 1));
        Assert.Throws<ArgumentOutOfRangeException>(() => RemovalProjection.RemovalsLeft([0], [double.NaN], 1));
    }

    [Fact]
    public void The_answer_is_the_last_count_within_the_budget()
    {
        var random = new Random(4);
        for (var trial = 0; trial < 500; trial++)
        {
            var models = random.Next(1, 11);
            var residuals = Enumerable.Range(0, models).Select(_ => random.NextDouble() * 0.3).ToArray();
            var rates = Enumerable.Range(0, models).Select(_ => random.NextDouble() * 0.01).ToArray();
            var budget = 1 + random.NextDouble() * 5;
            var left = RemovalProjection.RemovalsLeft(residuals, rates, budget)!.Value;
            Assert.True(Total(residuals, rates, left) <= budget * (1 + 1e-12), $"trial {trial}: {left} removals overrun");
            Assert.True(Total(residuals, rates, left + 1) > budget * (1 - 1e-12), $"trial {trial}: {left + 1} removals still fit");
        }
    }

    /// <summary>
    /// Records of four classes: the removal of one loads mostly its own class's binary model, so the budget's total grows
    /// by |mean step| per removal, well below the mean of the steps' own norms. The projection from the calibration, and
    /// the one from a model's first ten steps, both land near the removals the model then really absorbs; the rate of
    /// single steps taken on their own (what the forecast used before) falls well short.
    /// </summary>
    [Fact]
    public void Projected_removals_match_what_a_model_of_four_classes_absorbs()
    {
        var (rows, ids) = FourBlobs(1_200, seed: 3);
        var pilot = PilotData.Of(rows, ids)!;
        var search = new CalibrationSearch([1e-2], 100, Epsilon, Delta);
        while (search.NextRound() is { Count: > 0 } round)
            search.Record([round.Select(candidate => (PilotMeasurement?)PilotCalibration.Measure(pilot, candidate, shard: 0)).ToArray()]);
        var choice = search.Result();
        var measured = PilotCalibration.Measure(pilot, new CalibrationCandidate(choice.Lambda, choice.Sigma), shard: 0);

        var model = CertifiedTrainer.Fit(rows, new CertificationSettings(choice.Lambda, choice.Sigma, Epsilon, Delta), noiseSeed: 0x5EC2E7).Model;
        var fit = model.ResidualBounds.ToArray();
        var fromCalibration = RemovalProjection.RemovalsLeft(model.ResidualBounds, choice.ShardModelStepBounds[0], model.Budget)!.Value;
        var stepsOnTheirOwn = (long)Math.Floor(model.BudgetLeft / measured.MeanStepBound);

        var basis = RemovalBasis.Compute(model, rows);
        var order = Enumerable.Range(0, rows.Rows).ToList();
        new Random(8).Shuffle(System.Runtime.InteropServices.CollectionsMarshal.AsSpan(order));
        var remaining = Enumerable.Range(0, rows.Rows).ToList();
        long? fromTenSteps = null;
        var absorbed = 0;
        while (absorbed < rows.Rows / 2)
        {
            var at = remaining.IndexOf(order[absorbed]);
            var outcome = CertifiedRemoval.Remove(basis, [at], refitNoiseSeed: 1);
            if (outcome.BudgetExhausted) break;
            model = outcome.Model;
            remaining.RemoveAt(at);
            basis = RemovalBasis.Compute(model, basis.Without([at]));
            absorbed++;
            if (absorbed == 10)
            {
                var rates = model.ResidualBounds.Select((bound, m) => (bound - fit[m]) / 10).ToArray();
                fromTenSteps = 10 + RemovalProjection.RemovalsLeft(model.ResidualBounds, rates, model.Budget);
            }
        }
        output.WriteLine($"lambda {choice.Lambda}, sigma {choice.Sigma}: absorbed {absorbed}; projected from the calibration {fromCalibration}, " +
                         $"from ten steps {fromTenSteps}; single steps on their own {stepsOnTheirOwn}");
        Assert.InRange(fromCalibration, 0.75 * absorbed, 1.33 * absorbed);
        Assert.InRange(fromTenSteps!.Value, 0.75 * absorbed, 1.33 * absorbed);
        Assert.True(stepsOnTheirOwn < 0.8 * absorbed, $"single steps on their own projected {stepsOnTheirOwn} of {absorbed}");
    }

    private static double Total(double[] residuals, double[] rates, long removals) =>
        Math.Sqrt(residuals.Select((r, m) => (r + removals * rates[m]) * (r + removals * rates[m])).Sum());

    /// <summary>Four Gaussian classes around the corners of a square in six dimensions, scaled into the unit ball, with a bias feature.</summary>
    private static (TrainingSet Rows, string[] Ids) FourBlobs(int rows, int seed)
    {
        const int features = 6;
        var random = new Random(seed);
        var x = new double[rows * features];
        var y = new int[rows];
        for (var i = 0; i < rows; i++)
        {
            y[i] = i % 4;
            for (var j = 0; j < features; j++)
                x[i * features + j] = (j == 0 ? (y[i] % 2 == 0 ? 1 : -1) : j == 1 ? (y[i] / 2 == 0 ? 1 : -1) : 0) + Normal(random);
        }
        var transform = new UnitBallTransform(features, centre: null, scale: [4, 4, 4, 4, 4, 4], intercept: true);
        return (transform.Apply(new TrainingSet(x, y, features, 4)), [.. Enumerable.Range(0, rows).Select(i => $"r{i:D4}")]);
    }
}
