using Unlearning.Algebra;

namespace Unlearning.Learning;

/// <summary>
/// Class probabilities of a raw-space multinomial logistic model. Weights are class-major:
/// for class c, coefficients at [c*(d+1), c*(d+1)+d) and the bias at c*(d+1)+d.
/// </summary>
public static class SoftmaxModel
{
    public static int ParameterCount(int features, int classes) => classes * (features + 1);

    public static void Probabilities(ReadOnlySpan<double> weights, ReadOnlySpan<double> row, Span<double> probabilities)
    {
        int d = row.Length, k = probabilities.Length, stride = d + 1;
        var max = double.NegativeInfinity;
        for (var c = 0; c < k; c++)
        {
            var block = weights.Slice(c * stride, stride);
            var s = block[d];
            for (var j = 0; j < d; j++) s += block[j] * row[j];
            probabilities[c] = s;
            if (s > max) max = s;
        }
        var sum = 0.0;
        for (var c = 0; c < k; c++)
        {
            probabilities[c] = PortableMath.Exp(probabilities[c] - max);
            sum += probabilities[c];
        }
        for (var c = 0; c < k; c++) probabilities[c] /= sum;
    }

    public static int ArgMax(ReadOnlySpan<double> values)
    {
        var best = 0;
        for (var i = 1; i < values.Length; i++)
            if (values[i] > values[best]) best = i;
        return best;
    }
}
