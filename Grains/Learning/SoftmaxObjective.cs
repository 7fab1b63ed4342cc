using System.Runtime.Intrinsics;
using Unlearning.Algebra;

namespace Unlearning.Learning;

/// <summary>
/// Mean cross-entropy of a multinomial logistic model plus (lambda/2)|W|^2 (biases unpenalised),
/// over standardised rows. Parameters are class-major: each class's coefficients, then its bias.
/// One fused pass over the rows, always in row order, so the sum is bit-reproducible.
/// </summary>
public sealed class SoftmaxObjective
{
    private readonly ReadOnlyMemory<double> _rows;
    private readonly int[] _labels;
    private readonly int _features;
    private readonly int _classes;
    private readonly double _lambda;
    private double[]? _partials;

    public SoftmaxObjective(ReadOnlyMemory<double> standardizedRows, int[] labels, int featureCount, int classCount, double lambda)
    {
        _rows = standardizedRows;
        _labels = labels;
        _features = featureCount;
        _classes = classCount;
        _lambda = lambda;
    }

    public int ParameterCount => _classes * (_features + 1);

    /// <summary>
    /// Rows are summed in blocks of this many, each block in row order, then the blocks in order: the
    /// partition depends on the rows alone, so the bits do not depend on how many threads take blocks.
    /// </summary>
    public const int BlockRows = 1024;

    /// <summary>Returns the objective at <paramref name="parameters"/> and writes its gradient.</summary>
    /// <remarks>Blocks run in parallel on the calling task's scheduler (a shard's compute threads during a fit).</remarks>
    public double Evaluate(ReadOnlySpan<double> parameters, Span<double> gradient)
    {
        int d = _features, k = _classes, n = _labels.Length, stride = d + 1;
        var blocks = (n + BlockRows - 1) / BlockRows;
        double loss;
        if (blocks <= 1)
        {
            gradient.Clear();
            loss = SumRows(0, n, parameters, gradient);
        }
        else
        {
            var shared = parameters.ToArray();
            var partials = _partials ??= new double[blocks * ParameterCount];
            var losses = new double[blocks];
            Array.Clear(partials);
            // A block is long enough (a thousand rows) to be worth a thread; the partition does not depend on the threads.
            void Block(int b) =>
                losses[b] = SumRows(b * BlockRows, Math.Min(n, (b + 1) * BlockRows), shared, partials.AsSpan(b * ParameterCount, ParameterCount));
            Parallel.For(0, blocks, new ParallelOptions { TaskScheduler = TaskScheduler.Current }, Block);
            gradient.Clear();
            loss = 0.0;
            for (var b = 0; b < blocks; b++)
            {
                loss += losses[b];
                RowMath.AddScaled(gradient, 1.0, partials.AsSpan(b * ParameterCount, ParameterCount));
            }
        }
        var scale = n > 0 ? 1.0 / n : 0.0;
        var penalty = 0.0;
        for (var c = 0; c < k; c++)
        {
            for (var j = 0; j < stride; j++)
            {
                var index = c * stride + j;
                gradient[index] *= scale;
                if (j < d)
                {
                    var w = parameters[index];
                    gradient[index] += _lambda * w;
                    penalty += w * w;
                }
            }
        }
        return loss * scale + 0.5 * _lambda * penalty;
    }

    /// <summary>Adds the unscaled cross-entropy gradient of rows [from, to) to <paramref name="gradient"/>; returns their summed loss.</summary>
    /// <remarks>
    /// Rows go through in groups of four so that exp and ln run on whole vectors (<see cref="PortableMath"/>:
    /// the same bits as one at a time); every sum still runs row by row, class by class.
    /// </remarks>
    private double SumRows(int from, int to, ReadOnlySpan<double> parameters, Span<double> gradient)
    {
        const int group = 4;
        int d = _features, k = _classes, stride = d + 1;
        Span<double> exps = k <= 64 ? stackalloc double[group * k] : new double[group * k];
        Span<double> maxima = stackalloc double[group];
        Span<double> labelScores = stackalloc double[group];
        Span<double> sums = stackalloc double[group];
        var rows = _rows.Span;
        var loss = 0.0;
        for (var first = from; first < to; first += group)
        {
            var count = Math.Min(group, to - first);
            for (var r = 0; r < count; r++)
            {
                var row = rows.Slice((first + r) * d, d);
                var scores = exps.Slice(r * k, k);
                var max = double.NegativeInfinity;
                for (var c = 0; c < k; c++)
                {
                    var s = parameters[c * stride + d] + RowMath.Dot(parameters.Slice(c * stride, d), row);
                    scores[c] = s;
                    if (s > max) max = s;
                }
                maxima[r] = max;
                labelScores[r] = scores[_labels[first + r]];
                for (var c = 0; c < k; c++) scores[c] -= max;
            }
            PortableMath.ExpInPlace(exps[..(count * k)]);
            sums.Fill(1.0);
            for (var r = 0; r < count; r++)
            {
                var sum = 0.0;
                foreach (var e in exps.Slice(r * k, k)) sum += e;
                sums[r] = sum;
            }
            var logs = PortableMath.Log(Vector256.Create((ReadOnlySpan<double>)sums));
            for (var r = 0; r < count; r++)
            {
                // -log softmax(label) = log(sum of exp(s - max)) + max - s_label
                loss += logs.GetElement(r) + maxima[r] - labelScores[r];
                var label = _labels[first + r];
                var row = rows.Slice((first + r) * d, d);
                var inverseSum = 1.0 / sums[r];
                for (var c = 0; c < k; c++)
                {
                    var residual = exps[r * k + c] * inverseSum - (c == label ? 1.0 : 0.0);
                    var g = gradient.Slice(c * stride, stride);
                    RowMath.AddScaled(g[..d], residual, row);
                    g[d] += residual;
                }
            }
        }
        return loss;
    }
}
