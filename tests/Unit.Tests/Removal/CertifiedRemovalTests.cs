using Unlearning.Algebra;
using Unlearning.Learning;
using Unlearning.Removal;
using Xunit.Abstractions;
using static Unlearning.Tests.Support.UnlearningData;

namespace Unlearning.Tests.Removal;

public sealed class CertifiedRemovalTests(ITestOutputHelper output)
{
    private const ulong Seed = 0xC0FFEE;

    // sigma = 10 leaves room for every removal below, so each step is a Newton update, not a retrain.
    private static readonly CertificationSettings Roomy = new(lambda: 1e-2, sigma: 10, epsilon: 1, delta: 1e-4);

    /// <summary>Removes one wdbc record at a time (a fixed, spread-out choice) and reports every step.</summary>
    private static IEnumerable<(TrainingSet Remaining, RemovalOutcome Outcome, double[] Before)> SequentialRemovals(CertificationSettings settings, int steps)
    {
        var (train, _) = WdbcSplit();
        var current = WdbcTransform().Apply(train);
        var model = CertifiedTrainer.Fit(current, settings, Seed).Model;
        for (var k = 0; k < steps; k++)
        {
            var (remaining, removed) = Without(current, [k * 41 % current.Rows]);
            var before = model.Weights[0];
            var outcome = CertifiedRemoval.Remove(model, remaining, removed);
            yield return (remaining, outcome, before);
            model = outcome.Model;
            current = remaining;
        }
    }

    /// <summary>|grad J| over <paramref name="rows"/> with the model's noise, at its weights or at <paramref name="weights"/>.</summary>
    private static double TrueResidual(CertifiedModel model, TrainingSet rows, int binaryModel, double[]? weights = null)
    {
        var objective = new PerturbedLogisticObjective(rows, OneVsRest.PositiveClassOf(binaryModel, model.ClassCount), model.Settings.Lambda, model.Noise(binaryModel));
        var gradient = new double[model.Dimension];
        objective.Evaluate(weights ?? model.Weights[binaryModel], gradient);
        return Norm(gradient);
    }

    [Fact]
    public void The_true_gradient_residual_never_exceeds_the_accumulated_bound()
    {
        foreach (var (remaining, outcome, before) in SequentialRemovals(Roomy, steps: 12))
        {
            Assert.False(outcome.BudgetExhausted);
            var model = outcome.Model;
            Assert.Equal(remaining.Rows, model.Rows);
            var residual = TrueResidual(model, remaining, 0);
            var unchanged = TrueResidual(model, remaining, 0, before);
            output.WriteLine($"n={model.Rows}: |grad J'| before the step {unchanged:E3}, after {residual:E3}; step bound {outcome.StepBounds[0]:E3}, beta {model.ResidualBounds[0]:E3}");
            Assert.True(residual <= model.ResidualBounds[0], $"true residual {residual} above the bound {model.ResidualBounds[0]}");
            // The step does the work: the residual it leaves is far below the gradient it started from
            // (which is |Delta| plus the residual carried over); a wrong sign would double it instead.
            Assert.True(residual <= 0.1 * unchanged, $"residual {residual} not well below {unchanged}");
        }
    }

    [Theory]
    [InlineData(1e-4, 1)]
    [InlineData(1e-4, 20)]
    [InlineData(1e-3, 1)]
    [InlineData(1e-3, 20)]
    public void The_bound_covers_the_residual_of_the_largest_steps(double lambda, int batch)
    {
        // Weak regularisation and the records the model fits worst (largest loss slopes) make the longest Newton steps,
        // where the remainder the bound covers is largest: the tightened constant must still cover it.
        var (train, _) = WdbcSplit();
        var data = WdbcTransform().Apply(train);
        // Next to no noise, and an epsilon that makes the budget roomy: this measures the step, not the guarantee.
        var settings = new CertificationSettings(lambda, sigma: 1e-3, epsilon: 1e6, delta: 1e-4);
        var model = CertifiedTrainer.Fit(data, settings, Seed).Model;
        var worst = Enumerable.Range(0, data.Rows)
            .OrderByDescending(i => LogisticLoss.NegativeSlope((data.Labels[i] == OneVsRest.PositiveClassOf(0, model.ClassCount) ? 1 : -1) * Vectors.Dot(model.Weights[0], data.Row(i))))
            .Take(batch).Order().ToArray();
        var (remaining, removed) = Without(data, worst);

        var outcome = CertifiedRemoval.Remove(model, remaining, removed);

        Assert.False(outcome.BudgetExhausted);
        var residual = TrueResidual(outcome.Model, remaining, 0);
        var carried = model.ResidualBounds[0];
        output.WriteLine($"lambda {lambda}, {batch} removed: |grad J'| {residual:E3}, step bound {outcome.StepBounds[0]:E3} (carried {carried:E1}), ratio {residual / outcome.StepBounds[0]:F3}");
        Assert.True(residual <= outcome.Model.ResidualBounds[0], $"true residual {residual} above the bound {outcome.Model.ResidualBounds[0]}");
        // The step did real work: without it the residual would be the removed records' whole gradient.
        Assert.True(residual > carried, "the step left no remainder to measure the bound against");
    }

    [Fact]
    public void The_newton_update_lands_next_to_the_exact_optimum_of_the_remaining_records()
    {
        foreach (var (remaining, outcome, before) in SequentialRemovals(Roomy, steps: 12))
        {
            var model = outcome.Model;
            var exact = CertifiedTrainer.Fit(remaining, Roomy, Seed).Model.Weights[0];
            var error = Norm(Difference(model.Weights[0], exact));
            var change = Norm(Difference(exact, before));
            var residual = TrueResidual(model, remaining, 0);
            output.WriteLine($"n={model.Rows}: |w' - w_exact| {error:E3}, exact change {change:E3}, ratio {error / change:E2}");
            // J' is lambda (n - 1)-strongly convex, so the distance to its minimiser is at most |grad J'(w')| / (lambda (n - 1)).
            Assert.True(error <= residual / (Roomy.Lambda * remaining.Rows) * (1 + 1e-6), $"error {error} above the strong-convexity bound");
            // And the error is small next to the change the removal caused (measured: 7e-4 after one removal,
            // growing to 5e-3 after twelve as the residuals add up); a wrong sign or scale in the step would
            // make it comparable to the change itself.
            Assert.True(error <= 1e-2 * change, $"error {error} is not small next to the change {change}");
        }
    }

    [Fact]
    public void An_exhausted_budget_is_reported_and_answered_by_an_exact_retrain()
    {
        var tight = new CertificationSettings(lambda: 1e-3, sigma: 1, epsilon: 0.1, delta: 1e-4);
        var steps = SequentialRemovals(tight, steps: 20).ToList();
        var first = steps.FindIndex(s => s.Outcome.BudgetExhausted);
        Assert.True(first > 0, "the budget should allow at least one Newton update and run out within 20 removals");

        var (remaining, outcome, _) = steps[first];
        Assert.True(outcome.ResidualBoundAfterStep > tight.ResidualBudget);
        var scratch = CertifiedTrainer.Fit(remaining, tight, Seed).Model;
        Assert.Equal(Bits(scratch.Weights[0]), Bits(outcome.Model.Weights[0]));
        Assert.Equal(remaining.Rows, outcome.Model.Rows);
        // The account restarts from the fresh fit's own (tiny) residual.
        Assert.Equal(scratch.ResidualBound, outcome.Model.ResidualBound);
        Assert.True(outcome.Model.ResidualBound < 1e-9, $"residual {outcome.Model.ResidualBound}");
        Assert.Equal(outcome.Model.ResidualBound, TrueResidual(outcome.Model, remaining, 0));
        Assert.All(steps.Take(first), s => Assert.True(s.Outcome.Model.ResidualBound <= tight.ResidualBudget));
    }

    [Fact]
    public void A_batched_removal_is_one_certified_step_to_the_same_optimum()
    {
        var (train, _) = WdbcSplit();
        var data = WdbcTransform().Apply(train);
        var model = CertifiedTrainer.Fit(data, Roomy, Seed).Model;
        var (remaining, removed) = Without(data, [3, 77, 150, 222, 301]);

        var outcome = CertifiedRemoval.Remove(model, remaining, removed);

        Assert.False(outcome.BudgetExhausted);
        var residual = TrueResidual(outcome.Model, remaining, 0);
        Assert.True(residual <= outcome.Model.ResidualBounds[0], $"true residual {residual} above the bound {outcome.Model.ResidualBounds[0]}");
        var exact = CertifiedTrainer.Fit(remaining, Roomy, Seed).Model.Weights[0];
        Assert.True(Norm(Difference(outcome.Model.Weights[0], exact)) <= 1e-2 * Norm(Difference(exact, model.Weights[0])));
    }

    [Fact]
    public void One_vs_rest_keeps_every_class_within_its_own_bound()
    {
        var data = new UnitBallTransform(4, centre: null, scale: [2, 2, 2, 2], intercept: true).Apply(ThreeBlobs(240, seed: 4));
        var settings = new CertificationSettings(lambda: 1e-2, sigma: 5, epsilon: 1, delta: 1e-5);
        var fit = CertifiedTrainer.Fit(data, settings, Seed);
        var model = fit.Model;
        Assert.Equal(3, model.BinaryModelCount);
        Assert.Equal(3, Enumerable.Range(0, 3).Select(m => Bits(model.Noise(m))).Distinct(new SequenceComparer()).Count());
        Assert.True(Accuracy(model, data) >= 0.9, $"training accuracy {Accuracy(model, data)}");

        var current = data;
        foreach (var index in new[] { 0, 50, 100, 151, 200 })
        {
            var (remaining, removed) = Without(current, [index]);
            var outcome = CertifiedRemoval.Remove(model, remaining, removed);
            Assert.False(outcome.BudgetExhausted);
            model = outcome.Model;
            output.WriteLine($"n={model.Rows}: step bounds {string.Join(", ", outcome.StepBounds.Select(b => b.ToString("E2")))}, residual bound {model.ResidualBound:E3}, budget {model.Budget:E3}");
            for (var m = 0; m < 3; m++)
            {
                var residual = TrueResidual(model, remaining, m);
                Assert.True(residual <= model.ResidualBounds[m], $"class {m}: true residual {residual} above {model.ResidualBounds[m]}");
                Assert.True(outcome.StepBounds[m] > 0);
            }
            var exact = CertifiedTrainer.Fit(remaining, settings, Seed).Model;
            for (var m = 0; m < 3; m++)
                Assert.True(Norm(Difference(model.Weights[m], exact.Weights[m])) <= 1e-3 * Norm(exact.Weights[m]));
            current = remaining;
        }
        Assert.Equal(Math.Sqrt(model.ResidualBounds.Sum(b => b * b)), model.ResidualBound, 12);
        Assert.True(model.BudgetLeft > 0);

        var probabilities = new double[3];
        model.Probabilities(current.Row(0), probabilities);
        Assert.Equal(1.0, probabilities.Sum(), 12);
    }

    [Fact]
    public async Task Training_and_removal_give_identical_bits_on_any_thread()
    {
        var data = new UnitBallTransform(4, null, null, intercept: true).Apply(ThreeBlobs(300, seed: 8));
        var settings = new CertificationSettings(lambda: 1e-3, sigma: 5, epsilon: 1, delta: 1e-5);
        var (remaining, removed) = Without(data, [7, 8]);
        long[] Run()
        {
            var outcome = CertifiedRemoval.Remove(CertifiedTrainer.Fit(data, settings, Seed).Model, remaining, removed);
            return Bits(outcome.Model.Weights.SelectMany(w => w).Concat(outcome.Model.ResidualBounds));
        }
        var reference = Run();
        var results = new long[4][];
        Parallel.For(0, results.Length, new ParallelOptions { MaxDegreeOfParallelism = 2 }, i => results[i] = Run());
        results = [.. results, await Task.Run(Run)];
        Assert.All(results, r => Assert.Equal(reference, r));
    }

    [Fact]
    public void Inconsistent_removal_inputs_are_rejected()
    {
        var data = new UnitBallTransform(4, null, null, intercept: false).Apply(ThreeBlobs(30, seed: 1));
        var model = CertifiedTrainer.Fit(data, Roomy, Seed).Model;
        var (remaining, removed) = Without(data, [0]);
        Assert.Throws<ArgumentException>(() => CertifiedRemoval.Remove(model, data, removed));
        Assert.Throws<ArgumentException>(() => CertifiedRemoval.Remove(model, Subset(data, []), data));
        var unchanged = CertifiedRemoval.Remove(model, data, Subset(data, []));
        Assert.Same(model, unchanged.Model);
        Assert.NotNull(CertifiedRemoval.Remove(model, remaining, removed).Model);
    }

    private static double Accuracy(CertifiedModel model, TrainingSet data)
    {
        var probabilities = new double[model.ClassCount];
        var correct = 0;
        for (var i = 0; i < data.Rows; i++)
        {
            model.Probabilities(data.Row(i), probabilities);
            if (SoftmaxModel.ArgMax(probabilities) == data.Labels[i]) correct++;
        }
        return correct / (double)data.Rows;
    }

    private static double[] Difference(double[] a, double[] b) => a.Zip(b, (x, y) => x - y).ToArray();

    private sealed class SequenceComparer : IEqualityComparer<long[]>
    {
        public bool Equals(long[]? x, long[]? y) => x!.SequenceEqual(y!);
        public int GetHashCode(long[] obj) => obj.Length == 0 ? 0 : obj[0].GetHashCode();
    }
}
