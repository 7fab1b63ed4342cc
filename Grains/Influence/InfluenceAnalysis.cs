using Unlearning.Algebra;
using Unlearning.Learning;

namespace Unlearning.Influence;

/// <summary>
/// Influence functions (Koh and Liang, ICML 2017) for one fitted <see cref="SoftmaxTrainer"/> model.
/// Everything is computed on the objective as it was minimised, over rows standardised by the shard's own
/// <see cref="Standardizer"/>. The results do not depend on that choice of coordinates: any invertible
/// affine change of parameters theta = A phi + c maps gradients to A^T g and the Hessian to A^T H A, so
/// g_1^T H^-1 g_2 and every predicted change of a prediction are the same in raw and standardised terms.
/// The standardiser itself is held fixed: the predictions ignore that a real retrain would refit it.
/// </summary>
public sealed class InfluenceAnalysis
{
    private readonly TrainingSet _data;
    private readonly double[] _rawWeights;
    private readonly double[] _parameters;
    private readonly SoftmaxHessian _hessian;
    private readonly HessianSolver _solver;

    private InfluenceAnalysis(TrainingSet data, Standardizer standardizer, double[] rawWeights, double[] parameters, SoftmaxHessian hessian, HessianSolver solver)
    {
        _data = data;
        _rawWeights = rawWeights;
        Standardizer = standardizer;
        _parameters = parameters;
        _hessian = hessian;
        _solver = solver;
    }

    /// <param name="data">The shard's training records, raw, exactly as they were fitted.</param>
    /// <param name="rawWeights">The fitted weights as served (raw space, <see cref="SoftmaxModel"/> layout).</param>
    /// <param name="lambda">The L2 strength the weights were fitted with.</param>
    public static InfluenceAnalysis Create(TrainingSet data, double[] rawWeights, double lambda, InfluenceOptions? options = null)
    {
        if (data.Rows < 2) throw new ArgumentException("influence needs at least two training records", nameof(data));
        if (rawWeights.Length != SoftmaxModel.ParameterCount(data.FeatureCount, data.ClassCount))
            throw new ArgumentException($"{rawWeights.Length} weights for {data.FeatureCount} features and {data.ClassCount} classes", nameof(rawWeights));
        if (!(double.IsFinite(lambda) && lambda > 0))
            throw new ArgumentOutOfRangeException(nameof(lambda), lambda, "lambda must be a finite number > 0 for the Hessian to be invertible");
        var standardizer = Standardizer.Fit(data);
        var parameters = standardizer.FromRawSpace(rawWeights, data.ClassCount);
        var hessian = new SoftmaxHessian(standardizer.Transform(data), data.FeatureCount, data.ClassCount, lambda, parameters);
        return new InfluenceAnalysis(data, standardizer, (double[])rawWeights.Clone(), parameters, hessian, new HessianSolver(hessian, options ?? new InfluenceOptions()));
    }

    public Standardizer Standardizer { get; }
    public int Rows => _data.Rows;
    public int ParameterCount => _parameters.Length;
    public HessianMethod Method => _solver.Method;

    /// <summary>s = H^-1 v, both in the standardised parameter space.</summary>
    public double[] SolveHessian(ReadOnlySpan<double> v) => _solver.Solve(v);

    /// <summary>The cross-entropy of one raw record under the fitted model.</summary>
    public double Loss(ReadOnlySpan<double> rawRow, int label) => LossAndGradient(rawRow, label, out _);

    /// <summary>
    /// I(z_i, z) = -grad L(z)^T H^-1 grad l(z_i) for every training record z_i: the rate at which the loss
    /// on <paramref name="rawRow"/> changes as z_i is up-weighted. Positive: z_i pushes that loss up (harmful);
    /// negative: it helps. One Hessian solve, then one dot product per record.
    /// </summary>
    public double[] UpweightingInfluence(ReadOnlySpan<double> rawRow, int label)
    {
        var direction = SolveHessian(TestGradient(rawRow, label));
        var result = new double[Rows];
        var gradient = new double[ParameterCount];
        for (var i = 0; i < Rows; i++) result[i] = -Vectors.Dot(direction, RecordGradient(i, gradient));
        return result;
    }

    /// <summary>
    /// The predicted change of the loss on <paramref name="rawRow"/> if training record i alone were removed
    /// and the model refitted: grad L(z)^T delta_i with delta_i from <see cref="PredictRemoval"/>, i.e.
    /// (-I(z_i, z) + grad L(z)^T H^-1 lambda W) / (n - 1).
    /// </summary>
    public double[] PredictedLossChangeOnRemoval(ReadOnlySpan<double> rawRow, int label)
    {
        var direction = SolveHessian(TestGradient(rawRow, label));
        var penaltyTerm = Vectors.Dot(direction, PenaltyGradient());
        var result = new double[Rows];
        var gradient = new double[ParameterCount];
        for (var i = 0; i < Rows; i++) result[i] = (Vectors.Dot(direction, RecordGradient(i, gradient)) + penaltyTerm) / (Rows - 1);
        return result;
    }

    /// <summary>
    /// The predicted parameter change of removing the records <paramref name="rows"/> (m of n) and refitting.
    /// The remaining objective is F_R(theta) = (1/(n-m)) sum_{i not in R} l_i + (lambda/2)|W|^2; at the fitted
    /// theta, where (1/n) sum_i grad l_i = -lambda W, its gradient is -(sum_{i in R} grad l_i + m lambda W)/(n-m),
    /// so one Newton step (with the full Hessian H standing in for the remaining one) gives
    /// delta = H^-1 (sum_{i in R} grad l_i + m lambda W) / (n - m). For m much smaller than n this is Koh and
    /// Liang's (1/n) H^-1 sum grad l_i, the up-weighting influence at weight -1/n; the extra terms are the
    /// mean's renormalisation, which re-weights the penalty against the remaining losses.
    /// </summary>
    public RemovalPrediction PredictRemoval(IReadOnlyCollection<int> rows)
    {
        var distinct = rows.Distinct().Order().ToArray();
        if (distinct.Length != rows.Count) throw new ArgumentException("a record can be removed only once", nameof(rows));
        if (distinct.Any(i => i < 0 || i >= Rows)) throw new ArgumentOutOfRangeException(nameof(rows), "a row index lies outside the training set");
        if (distinct.Length >= Rows) throw new ArgumentException("removing every record leaves nothing to predict", nameof(rows));

        var sum = new double[ParameterCount];
        Vectors.AddScaled(sum, distinct.Length, PenaltyGradient());
        var gradient = new double[ParameterCount];
        foreach (var i in distinct) Vectors.AddScaled(sum, 1.0, RecordGradient(i, gradient));
        var change = SolveHessian(sum);
        for (var j = 0; j < change.Length; j++) change[j] /= Rows - distinct.Length;

        // ToRawSpace is linear, so the raw change is the image of the standardised one.
        var after = (double[])_rawWeights.Clone();
        Vectors.AddScaled(after, 1.0, Standardizer.ToRawSpace(change, _data.ClassCount));
        return new RemovalPrediction(distinct, change, (double[])_rawWeights.Clone(), after);
    }

    /// <summary>
    /// Predicted class-probability changes p_after - p_before on raw probe rows (row-major), for the weights
    /// <paramref name="removal"/> predicts; the result is row-major, one block of class probabilities per row.
    /// </summary>
    public double[] PredictedProbabilityChange(RemovalPrediction removal, ReadOnlySpan<double> rawRows)
    {
        int d = _data.FeatureCount, k = _data.ClassCount;
        if (rawRows.Length % d != 0) throw new ArgumentException($"{rawRows.Length} values do not make rows of {d}");
        var count = rawRows.Length / d;
        var result = new double[count * k];
        var before = new double[k];
        for (var r = 0; r < count; r++)
        {
            var row = rawRows.Slice(r * d, d);
            var output = result.AsSpan(r * k, k);
            SoftmaxModel.Probabilities(removal.RawWeightsBefore, row, before);
            SoftmaxModel.Probabilities(removal.RawWeightsAfter, row, output);
            for (var c = 0; c < k; c++) output[c] -= before[c];
        }
        return result;
    }

    private double[] TestGradient(ReadOnlySpan<double> rawRow, int label)
    {
        LossAndGradient(rawRow, label, out var gradient);
        return gradient;
    }

    private double LossAndGradient(ReadOnlySpan<double> rawRow, int label, out double[] gradient)
    {
        int d = _data.FeatureCount, k = _data.ClassCount;
        if (rawRow.Length != d) throw new ArgumentException($"a row of {rawRow.Length} values for {d} features");
        if (label < 0 || label >= k) throw new ArgumentOutOfRangeException(nameof(label), label, $"labels run from 0 to {k - 1}");
        var row = new double[d];
        for (var j = 0; j < d; j++) row[j] = (rawRow[j] - Standardizer.Means[j]) / Standardizer.Scales[j];
        var probabilities = new double[k];
        SoftmaxModel.Probabilities(_parameters, row, probabilities);
        gradient = new double[ParameterCount];
        return SoftmaxRecordGradient.Write(row, label, probabilities, gradient);
    }

    private double[] RecordGradient(int i, double[] gradient)
    {
        SoftmaxRecordGradient.Write(_hessian.Row(i), _data.Labels[i], _hessian.Probabilities(i), gradient);
        return gradient;
    }

    /// <summary>lambda W: the penalty's gradient (zero on the biases).</summary>
    private double[] PenaltyGradient()
    {
        int d = _data.FeatureCount;
        var result = new double[ParameterCount];
        for (var j = 0; j < result.Length; j++) result[j] = j % (d + 1) < d ? _hessian.Lambda * _parameters[j] : 0.0;
        return result;
    }
}
