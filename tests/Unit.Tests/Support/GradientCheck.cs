using Unlearning.Learning;

namespace Unlearning.Tests.Support;

internal static class GradientCheck
{
    /// <summary>Central differences of the objective at random parameters in [-0.5, 0.5) against its analytic gradient.</summary>
    public static void MatchesFiniteDifferences(SoftmaxObjective objective, int seed, double tolerance = 1e-7)
    {
        var random = new Random(seed);
        var w = Enumerable.Range(0, objective.ParameterCount).Select(_ => random.NextDouble() - 0.5).ToArray();
        var gradient = new double[w.Length];
        objective.Evaluate(w, gradient);

        const double h = 1e-6;
        var scratch = new double[w.Length];
        for (var p = 0; p < w.Length; p++)
        {
            var plus = (double[])w.Clone();
            var minus = (double[])w.Clone();
            plus[p] += h;
            minus[p] -= h;
            var numeric = (objective.Evaluate(plus, scratch) - objective.Evaluate(minus, scratch)) / (2 * h);
            Assert.True(Math.Abs(numeric - gradient[p]) < tolerance, $"parameter {p}: analytic {gradient[p]} numeric {numeric}");
        }
    }
}
