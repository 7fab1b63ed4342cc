using MathNet.Numerics.LinearAlgebra;
using MathNet.Numerics.Optimization;
using Unlearning.Learning;

namespace Unlearning.Tests.Support;

/// <summary>
/// Exact refits of <see cref="SoftmaxObjective"/> without some records, over rows standardised ONCE by the full
/// training set's standardiser. SoftmaxTrainer.Fit refits the standardiser on whatever rows it gets, which
/// rescales the penalty by about as much as one record's influence; holding it fixed measures the model, not
/// the scaler. A refit counts only when SoftmaxObjective's own gradient norm is at most
/// <see cref="GradientTolerance"/>: that, not the iteration used to get there, is what makes it exact.
/// </summary>
internal sealed class FixedStandardizerRefit
{
    public const double GradientTolerance = 1e-10;

    private readonly TrainingSet _data;
    private readonly double _lambda;
    private readonly double[] _rows;

    public FixedStandardizerRefit(TrainingSet data, double lambda)
    {
        _data = data;
        _lambda = lambda;
        Standardizer = Standardizer.Fit(data);
        _rows = Standardizer.Transform(data);
    }

    public Standardizer Standardizer { get; }

    /// <summary>MathNet L-BFGS (the trainer's optimiser) from <paramref name="start"/>, to the tight tolerance.</summary>
    public double[] ByLbfgs(IReadOnlyCollection<int> excluded, double[]? start = null)
    {
        var objective = Objective(excluded);
        var function = ObjectiveFunction.Gradient(point =>
        {
            var gradient = new double[objective.ParameterCount];
            var value = objective.Evaluate(point.ToArray(), gradient);
            return (value, Vector<double>.Build.Dense(gradient));
        });
        var minimizer = new LimitedMemoryBfgsMinimizer(GradientTolerance / 10, 1e-15, 1e-15, memory: 10, maximumIterations: 5000);
        var found = minimizer.FindMinimum(function, Vector<double>.Build.Dense(start ?? new double[objective.ParameterCount])).MinimizingPoint.ToArray();
        return Checked(objective, found);
    }

    /// <summary>
    /// The chord method theta &lt;- theta - M^-1 grad F(theta) with a fixed M, here the full set's Hessian: with
    /// one record out of 455 gone it is within O(1/n) of the remaining objective's, so a handful of cheap
    /// iterations reach the tolerance (L-BFGS needs about 30 evaluations per refit, which for a hundred refits
    /// in an unoptimised test build is seconds). Falls back to L-BFGS if it has not converged in 30 steps.
    /// </summary>
    public double[] ByChord(IReadOnlyCollection<int> excluded, double[] start, Func<double[], double[]> solveFixedHessian)
    {
        var objective = Objective(excluded);
        var theta = (double[])start.Clone();
        var gradient = new double[theta.Length];
        for (var iteration = 0; iteration < 30; iteration++)
        {
            objective.Evaluate(theta, gradient);
            if (UnlearningData.Norm(gradient) <= GradientTolerance) return theta;
            var step = solveFixedHessian(gradient);
            for (var j = 0; j < theta.Length; j++) theta[j] -= step[j];
        }
        return ByLbfgs(excluded, start);
    }

    /// <summary>Cross-entropy of a raw row under standardised parameters.</summary>
    public double Loss(double[] parameters, ReadOnlySpan<double> rawRow, int label) => -Math.Log(Probabilities(parameters, rawRow)[label]);

    public double[] Probabilities(double[] parameters, ReadOnlySpan<double> rawRow)
    {
        var row = new double[rawRow.Length];
        for (var j = 0; j < row.Length; j++) row[j] = (rawRow[j] - Standardizer.Means[j]) / Standardizer.Scales[j];
        var probabilities = new double[_data.ClassCount];
        SoftmaxModel.Probabilities(parameters, row, probabilities);
        return probabilities;
    }

    private SoftmaxObjective Objective(IReadOnlyCollection<int> excluded)
    {
        var keep = Enumerable.Range(0, _data.Rows).Where(i => !excluded.Contains(i)).ToArray();
        int d = _data.FeatureCount;
        var rows = keep.SelectMany(i => _rows.AsSpan(i * d, d).ToArray()).ToArray();
        return new SoftmaxObjective(rows, keep.Select(i => _data.Labels[i]).ToArray(), d, _data.ClassCount, _lambda);
    }

    private static double[] Checked(SoftmaxObjective objective, double[] parameters)
    {
        var gradient = new double[parameters.Length];
        objective.Evaluate(parameters, gradient);
        var norm = UnlearningData.Norm(gradient);
        if (norm > GradientTolerance) throw new InvalidOperationException($"the refit stopped at gradient norm {norm}");
        return parameters;
    }
}
