using Unlearning.Algebra;

namespace Unlearning.Removal;

/// <summary>Where Newton's method stopped: the weights, the steps taken and the gradient norm left there.</summary>
internal sealed record NewtonResult(double[] Weights, int Iterations, double GradientNorm, bool Converged);

/// <summary>
/// Damped Newton's method for the strongly convex <see cref="PerturbedLogisticObjective"/>: Cholesky solves,
/// a backtracking line search, and a stop when the gradient norm is at most the tolerance.
/// </summary>
internal static class NewtonMinimizer
{
    private const double ArmijoFraction = 1e-4;
    private const double SmallestStep = 1.0 / 1024;

    public static NewtonResult Minimize(PerturbedLogisticObjective objective, double[] start, double gradientTolerance, int maxIterations)
    {
        int d = objective.Dimension;
        var w = (double[])start.Clone();
        var gradient = new double[d];
        var trial = new double[d];
        var trialGradient = new double[d];
        var value = objective.Evaluate(w, gradient);
        var gradientNorm = Vectors.Norm(gradient);
        var iterations = 0;
        while (gradientNorm > gradientTolerance && iterations < maxIterations)
        {
            iterations++;
            var step = Cholesky.Factor(objective.Hessian(w), d).Solve(gradient);
            var slope = -Vectors.Dot(gradient, step);
            for (var t = 1.0; ; t *= 0.5)
            {
                for (var j = 0; j < d; j++) trial[j] = w[j] - t * step[j];
                var trialValue = objective.Evaluate(trial, trialGradient);
                var trialNorm = Vectors.Norm(trialGradient);
                // Near the optimum the decrease in J falls below its rounding while the gradient still shrinks
                // quadratically, so a step that halves the gradient norm is accepted too.
                var decreases = trialValue <= value + ArmijoFraction * t * slope;
                var settles = trialNorm < 0.5 * gradientNorm;
                if (decreases || settles || t <= SmallestStep)
                {
                    (w, trial) = (trial, w);
                    (gradient, trialGradient) = (trialGradient, gradient);
                    value = trialValue;
                    gradientNorm = trialNorm;
                    break;
                }
            }
        }
        return new NewtonResult(w, iterations, gradientNorm, gradientNorm <= gradientTolerance);
    }
}
