using System.Runtime.Intrinsics;
using Unlearning.Algebra;
using Unlearning.Learning;

namespace Unlearning.Removal;

/// <summary>
/// One binary model's objective in the certified-removal scheme:
/// J(w) = sum_i log(1 + exp(-y_i w.x_i)) + (lambda n / 2)|w|^2 + b.w, with y_i = +1 for the positive
/// class and -1 otherwise, n the number of rows and b the model's fixed noise vector.
/// Sums run in row order, so results are bit-reproducible.
/// </summary>
public sealed class PerturbedLogisticObjective
{
    private const int Group = 4;

    private readonly TrainingSet _rows;
    private readonly int _positiveClass;
    private readonly double[] _noise;

    public PerturbedLogisticObjective(TrainingSet rows, int positiveClass, double lambda, double[] noise)
    {
        if (noise.Length != rows.FeatureCount)
            throw new ArgumentException($"a noise vector of {noise.Length} values for {rows.FeatureCount} features", nameof(noise));
        ArgumentOutOfRangeException.ThrowIfNegative(positiveClass);
        if (!(double.IsFinite(lambda) && lambda > 0)) throw new ArgumentOutOfRangeException(nameof(lambda), lambda, "lambda must be a finite number > 0");
        _rows = rows;
        _positiveClass = positiveClass;
        _noise = noise;
        Regularization = lambda * rows.Rows;
    }

    public int Dimension => _rows.FeatureCount;

    /// <summary>lambda * n, the weight of |w|^2 / 2.</summary>
    public double Regularization { get; }

    public double Sign(int row) => _rows.Labels[row] == _positiveClass ? 1.0 : -1.0;

    /// <summary>Returns J(w) and writes its gradient.</summary>
    public double Evaluate(ReadOnlySpan<double> w, Span<double> gradient)
    {
        Check(w);
        if (gradient.Length != Dimension) throw new ArgumentException($"a gradient of {gradient.Length} values for {Dimension}");
        gradient.Clear();
        var value = 0.0;
        // Four rows at a time, so that exp and ln run on whole vectors; the sums still run row by row.
        Span<double> margins = stackalloc double[Group];
        for (var first = 0; first < _rows.Rows; first += Group)
        {
            var count = Math.Min(Group, _rows.Rows - first);
            margins.Clear();
            for (var r = 0; r < count; r++) margins[r] = Sign(first + r) * Vectors.Dot(w, _rows.Row(first + r));
            var losses = LogisticLoss.Value(Vector256.Create((ReadOnlySpan<double>)margins), out var negativeSlopes);
            for (var r = 0; r < count; r++)
            {
                var row = _rows.Row(first + r);
                value += losses.GetElement(r);
                var weight = -Sign(first + r) * negativeSlopes.GetElement(r);
                for (var j = 0; j < row.Length; j++) gradient[j] += weight * row[j];
            }
        }
        var squared = 0.0;
        for (var j = 0; j < w.Length; j++)
        {
            gradient[j] += Regularization * w[j] + _noise[j];
            squared += w[j] * w[j];
            value += _noise[j] * w[j];
        }
        return value + 0.5 * Regularization * squared;
    }

    /// <summary>The Hessian at <paramref name="w"/>: sum_i l''(y_i w.x_i) x_i x_i^T + lambda n I, row-major.</summary>
    public double[] Hessian(ReadOnlySpan<double> w)
    {
        Check(w);
        int d = Dimension;
        var h = new double[d * d];
        var weights = new double[_rows.Rows];
        Span<double> margins = stackalloc double[Group];
        for (var first = 0; first < _rows.Rows; first += Group)
        {
            var count = Math.Min(Group, _rows.Rows - first);
            margins.Clear();
            for (var r = 0; r < count; r++) margins[r] = Vectors.Dot(w, _rows.Row(first + r));
            var curvatures = LogisticLoss.Curvature(Vector256.Create((ReadOnlySpan<double>)margins));
            for (var r = 0; r < count; r++) weights[first + r] = curvatures.GetElement(r);
        }
        SymmetricMatrix.AddWeightedGramUpper(h, _rows, weights);
        for (var j = 0; j < d; j++) h[j * d + j] += Regularization;
        SymmetricMatrix.MirrorUpper(h, d);
        return h;
    }

    private void Check(ReadOnlySpan<double> w)
    {
        if (w.Length != Dimension) throw new ArgumentException($"{w.Length} weights for {Dimension} features");
    }
}
