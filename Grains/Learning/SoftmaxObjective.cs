using Unlearning.Algebra;

namespace Unlearning.Learning;

/// <summary>
/// Mean cross-entropy of a multinomial logistic model plus (lambda/2)|W|^2 (biases unpenalised),
/// over standardised rows. Parameters are class-major: each class's coefficients, then its bias.
/// One fused pass over the rows, always in row order, so the sum is bit-reproducible.
/// </summary>
public sealed class SoftmaxObjective
{
    private readonly double[] _rows;
    private readonly int[] _labels;
    private readonly int _features;
    private readonly int _classes;
    private readonly double _lambda;
    private double[]? _partials;

    public SoftmaxObjective(double[] standardizedRows, int[] labels, int featureCount, int classCount, double lambda)
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
    private double SumRows(int from, int to, ReadOnlySpan<double> parameters, Span<double> gradient)
    {
        int d = _features, k = _classes, stride = d + 1;
        Span<double> scores = k <= 64 ? stackalloc double[k] : new double[k];
        var loss = 0.0;
        for (var i = from; i < to; i++)
        {
            var row = _rows.AsSpan(i * d, d);
            var max = double.NegativeInfinity;
            for (var c = 0; c < k; c++)
            {
                var s = parameters[c * stride + d] + RowMath.Dot(parameters.Slice(c * stride, d), row);
                scores[c] = s;
                if (s > max) max = s;
            }
            var label = _labels[i];
            var labelScore = scores[label];
            var sum = 0.0;
            for (var c = 0; c < k; c++)
            {
                scores[c] = Math.Exp(scores[c] - max);
                sum += scores[c];
            }
            // -log softmax(label) = log(sum of exp(s - max)) + max - s_label
            loss += Math.Log(sum) + max - labelScore;
            var inverseSum = 1.0 / sum;
            for (var c = 0; c < k; c++)
            {
                var residual = scores[c] * inverseSum - (c == label ? 1.0 : 0.0);
                var g = gradient.Slice(c * stride, stride);
                RowMath.AddScaled(g[..d], residual, row);
                g[d] += residual;
            }
        }
        return loss;
    }
}
