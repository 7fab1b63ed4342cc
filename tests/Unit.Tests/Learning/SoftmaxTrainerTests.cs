using MathNet.Numerics.Providers.LinearAlgebra;
using Unlearning.Learning;
using Unlearning.TestKit;
using Unlearning.Tests.Support;

namespace Unlearning.Tests.Learning;

public sealed class SoftmaxTrainerTests
{
    private static TrainingSet Sample(int rows, int features, int classes, int seed)
    {
        var random = new Random(seed);
        var x = new double[rows * features];
        var y = new int[rows];
        for (var i = 0; i < rows; i++)
        {
            y[i] = random.Next(classes);
            for (var j = 0; j < features; j++) x[i * features + j] = random.NextDouble() * 4 - 2 + (j % classes == y[i] ? 1.0 : 0.0);
        }
        return new TrainingSet(x, y, features, classes);
    }

    [Fact]
    public void Analytic_gradient_matches_finite_differences()
    {
        var data = Sample(60, 4, 3, seed: 1);
        var objective = new SoftmaxObjective(data.Features, data.Labels, data.FeatureCount, data.ClassCount, lambda: 0.05);
        GradientCheck.MatchesFiniteDifferences(objective, seed: 7);
    }

    [Fact]
    public void A_fit_over_parts_has_the_bits_of_a_fit_over_their_concatenation()
    {
        var data = Sample(300, 5, 3, seed: 4);
        int[] cuts = [0, 70, 71, 190, 300];
        var parts = cuts.Zip(cuts.Skip(1)).Select(cut => new TrainingSet(
            data.Features[(cut.First * 5)..(cut.Second * 5)], data.Labels[cut.First..cut.Second], 5, 3)).ToArray();
        var settings = new TrainerSettings(Lambda: 0.01, MaxIterations: 200);
        var warmStart = SoftmaxTrainer.Fit(parts[0], settings).Weights;

        var whole = SoftmaxTrainer.Fit(data, settings, warmStart);
        var pieced = SoftmaxTrainer.Fit(parts, settings, warmStart);

        Assert.Equal(whole.Weights.Select(BitConverter.DoubleToInt64Bits), pieced.Weights.Select(BitConverter.DoubleToInt64Bits));
        Assert.Equal(whole.Iterations, pieced.Iterations);
    }

    [Fact]
    public void Reaches_the_known_optimum_of_an_intercept_only_problem()
    {
        // With every feature equal, only the biases can fit, and the optimum gives each class its frequency.
        int[] counts = [10, 30, 60];
        var labels = counts.SelectMany((count, label) => Enumerable.Repeat(label, count)).ToArray();
        var data = new TrainingSet(new double[labels.Length * 2].Select(_ => 3.0).ToArray(), labels, 2, 3);

        var fit = SoftmaxTrainer.Fit(data, new TrainerSettings(Lambda: 1.0, MaxIterations: 200));

        Assert.True(fit.Converged);
        var probabilities = new double[3];
        SoftmaxModel.Probabilities(fit.Weights, [3.0, 3.0], probabilities);
        for (var c = 0; c < 3; c++) Assert.Equal(counts[c] / 100.0, probabilities[c], 6);
    }

    [Fact]
    public void Fitted_weights_zero_the_gradient()
    {
        var data = Sample(400, 5, 3, seed: 3);
        var settings = new TrainerSettings(Lambda: 1e-3, MaxIterations: 1000);
        var fit = SoftmaxTrainer.Fit(data, settings);
        Assert.True(fit.Converged);

        // Map back to the standardised space the objective is defined on and check stationarity there.
        var standardizer = Standardizer.Fit(data);
        var objective = new SoftmaxObjective(standardizer.Transform(data), data.Labels, 5, 3, settings.Lambda);
        var gradient = new double[objective.ParameterCount];
        objective.Evaluate(standardizer.FromRawSpace(fit.Weights, 3), gradient);
        Assert.True(Norm(gradient) < 1e-6, $"gradient norm {Norm(gradient)}");
    }

    [Fact]
    public async Task Same_input_gives_identical_bits_on_any_thread_and_in_parallel()
    {
        var data = Sample(2000, 6, 4, seed: 5);
        var settings = new TrainerSettings(Lambda: 1e-4, MaxIterations: 500);
        var reference = SoftmaxTrainer.Fit(data, settings).Weights;

        var results = new double[8][];
        Parallel.For(0, results.Length, new ParallelOptions { MaxDegreeOfParallelism = 4 },
            i => results[i] = SoftmaxTrainer.Fit(data, settings).Weights);
        var onAnotherThread = await Task.Run(() => SoftmaxTrainer.Fit(data, settings).Weights);

        foreach (var weights in results.Append(onAnotherThread))
            Assert.Equal(Bits(reference), Bits(weights));
    }

    [Fact]
    public void Warm_start_from_a_checkpoint_is_reproducible()
    {
        var data = Sample(500, 4, 2, seed: 9);
        var settings = new TrainerSettings(Lambda: 1e-3, MaxIterations: 500);
        var start = SoftmaxTrainer.Fit(Sample(100, 4, 2, seed: 10), settings).Weights;
        Assert.Equal(Bits(SoftmaxTrainer.Fit(data, settings, start).Weights), Bits(SoftmaxTrainer.Fit(data, settings, start).Weights));
    }

    [Fact]
    public void Reaches_reference_accuracy_on_the_shipped_breast_cancer_set()
    {
        var dataset = Dataset.Wdbc();
        var (train, holdout) = dataset.Split();
        var set = new TrainingSet(train.SelectMany(r => r.Features).ToArray(), train.Select(r => r.Label).ToArray(),
            dataset.FeatureNames.Length, dataset.Labels.Length);
        var fit = SoftmaxTrainer.Fit(set, new TrainerSettings(ModelConfig.DefaultLambda, ModelConfig.DefaultMaxIterations));

        var probabilities = new double[2];
        var correct = holdout.Count(r =>
        {
            SoftmaxModel.Probabilities(fit.Weights, r.Features, probabilities);
            return SoftmaxModel.ArgMax(probabilities) == r.Label;
        });
        // scikit-learn's reference on its own split is 0.9825; a linear model on this set scores about 0.95-0.99.
        Assert.True(correct / (double)holdout.Length >= 0.94, $"accuracy {correct / (double)holdout.Length}");
    }

    [Fact]
    public void Cancellation_stops_a_fit()
    {
        var data = Sample(500, 4, 2, seed: 11);
        using var cancelled = new CancellationTokenSource();
        cancelled.Cancel();
        Assert.ThrowsAny<OperationCanceledException>(() => SoftmaxTrainer.Fit(data, new TrainerSettings(1e-3, 100), null, cancelled.Token));
    }

    [Fact]
    public void Fits_run_on_the_managed_linear_algebra_provider_whatever_the_environment_names()
    {
        SoftmaxTrainer.Fit(Sample(50, 3, 2, seed: 12), new TrainerSettings(1e-3, 20));
        Assert.Same(ManagedLinearAlgebraProvider.Instance, LinearAlgebraControl.Provider);
    }

    internal static long[] Bits(double[] values) => values.Select(BitConverter.DoubleToInt64Bits).ToArray();

    private static double Norm(double[] v) => Math.Sqrt(v.Sum(x => x * x));
}
