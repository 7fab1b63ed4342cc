using Unlearning.Learning;
using Unlearning.Removal;
using static Unlearning.Tests.Support.UnlearningData;

namespace Unlearning.Tests.Removal;

public sealed class CertifiedTrainerTests
{
    private static readonly CertificationSettings Settings = new(lambda: 1e-3, sigma: 1, epsilon: 1, delta: 1e-4);

    [Fact]
    public void Gradient_and_hessian_match_finite_differences()
    {
        var data = new UnitBallTransform(4, null, [2, 2, 2, 2], intercept: true).Apply(ThreeBlobs(60, seed: 2));
        var objective = new PerturbedLogisticObjective(data, positiveClass: 2, lambda: 0.05, GaussianNoise.Draw(1, 0, 5, 1));
        double[] w = [0.3, -0.2, 0.5, 0.1, -0.4];
        var gradient = new double[5];
        objective.Evaluate(w, gradient);
        var hessian = objective.Hessian(w);

        const double h = 1e-5;
        var plusGradient = new double[5];
        var minusGradient = new double[5];
        for (var p = 0; p < 5; p++)
        {
            var plus = (double[])w.Clone();
            var minus = (double[])w.Clone();
            plus[p] += h;
            minus[p] -= h;
            var numeric = (objective.Evaluate(plus, plusGradient) - objective.Evaluate(minus, minusGradient)) / (2 * h);
            Assert.True(Math.Abs(numeric - gradient[p]) < 1e-6, $"gradient {p}: analytic {gradient[p]} numeric {numeric}");
            for (var q = 0; q < 5; q++)
            {
                var numericSecond = (plusGradient[q] - minusGradient[q]) / (2 * h);
                Assert.True(Math.Abs(numericSecond - hessian[q * 5 + p]) < 1e-6, $"hessian {q},{p}: analytic {hessian[q * 5 + p]} numeric {numericSecond}");
            }
        }
    }

    [Fact]
    public void The_fit_zeroes_the_perturbed_gradient_in_a_few_newton_steps_and_predicts_well()
    {
        var (train, holdout) = WdbcSplit();
        var transform = WdbcTransform();
        var data = transform.Apply(train);
        var fit = CertifiedTrainer.Fit(data, Settings, noiseSeed: 11);

        Assert.InRange(fit.Iterations, 1, 15);
        var gradient = new double[data.FeatureCount];
        new PerturbedLogisticObjective(data, 1, Settings.Lambda, fit.Model.Noise(0)).Evaluate(fit.Model.Weights[0], gradient);
        Assert.Equal(Norm(gradient), fit.Model.ResidualBounds[0]);
        Assert.True(Norm(gradient) <= CertifiedTrainer.GradientTolerancePerRow * data.Rows);

        var test = transform.Apply(holdout);
        var probabilities = new double[2];
        var correct = Enumerable.Range(0, test.Rows).Count(i =>
        {
            fit.Model.Probabilities(test.Row(i), probabilities);
            return SoftmaxModel.ArgMax(probabilities) == test.Labels[i];
        });
        // Unit-norm rows with the noise term cost a little against the unconstrained learner's 0.95-0.99.
        Assert.True(correct / (double)test.Rows >= 0.93, $"holdout accuracy {correct / (double)test.Rows}");
    }

    [Fact]
    public void The_noise_enters_the_objective()
    {
        var data = new UnitBallTransform(4, null, null, intercept: true).Apply(ThreeBlobs(90, seed: 3));
        var a = CertifiedTrainer.Fit(data, Settings, noiseSeed: 1).Model;
        var b = CertifiedTrainer.Fit(data, Settings, noiseSeed: 2).Model;
        Assert.NotEqual(Bits(a.Weights[0]), Bits(b.Weights[0]));
        // At the optimum the data and penalty gradients balance -b exactly, so the weights carry the noise.
        var noiseless = new PerturbedLogisticObjective(data, 0, Settings.Lambda, new double[5]);
        var gradient = new double[5];
        noiseless.Evaluate(a.Weights[0], gradient);
        var noise = a.Noise(0);
        for (var j = 0; j < 5; j++) Assert.Equal(-noise[j], gradient[j], 9);
    }

    [Fact]
    public void The_spectral_norm_bound_is_above_the_largest_singular_value_and_tight()
    {
        var data = WdbcTransform().Apply(WdbcSplit().Train);
        var matrix = MathNet.Numerics.LinearAlgebra.Matrix<double>.Build.Dense(data.Rows, data.FeatureCount, (i, j) => data.Row(i)[j]);
        var exact = matrix.L2Norm();
        var bound = SpectralNorm.UpperBound(data);
        Assert.True(bound >= exact, $"bound {bound} below the norm {exact}");
        Assert.True(bound <= exact * (1 + 1e-6), $"bound {bound} loose against {exact}");
    }
}
