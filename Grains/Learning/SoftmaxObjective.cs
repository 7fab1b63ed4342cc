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

    public SoftmaxObjective(double[] standardizedRows, int[] labels, int featureCount, int classCount, double lambda)
    {
        _rows = standardizedRows;
        _labels = labels;
        _features = featureCount;
        _classes = classCount;
        _lambda = lambda;
    }

    public int ParameterCount => _classes * (_features + 1);

    /// <summary>Returns the objective at <paramref name="parameters"/> and writes its gradient.</summary>
    public double Evaluate(ReadOnlySpan<double> parameters, Span<double> gradient)
    {
        int d = _features, k = _classes, n = _labels.Length, stride = d + 1;
        gradient.Clear();
        Span<double> scores = k <= 64 ? stackalloc double[k] : new double[k];
        var loss = 0.0;
        for (var i = 0; i < n; i++)
        {
            var row = _rows.AsSpan(i * d, d);
            var max = double.NegativeInfinity;
            for (var c = 0; c < k; c++)
            {
                var s = parameters[c * stride + d] + Dot(parameters.Slice(c * stride, d), row);
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
                for (var j = 0; j < row.Length; j++) g[j] += residual * row[j];
                g[d] += residual;
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

    private static double Dot(ReadOnlySpan<double> a, ReadOnlySpan<double> b)
    {
        var sum = 0.0;
        for (var j = 0; j < a.Length; j++) sum += a[j] * b[j];
        return sum;
    }
}
