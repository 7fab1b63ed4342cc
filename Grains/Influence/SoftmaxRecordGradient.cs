using Unlearning.Algebra;

namespace Unlearning.Influence;

/// <summary>
/// One record's cross-entropy -log p_y and its gradient over a <see cref="Learning.SoftmaxObjective"/>
/// parameter vector (class-major blocks of d weights then a bias): block c is (p_c - [c = y]) (x, 1).
/// </summary>
internal static class SoftmaxRecordGradient
{
    /// <summary>Writes the gradient and returns the loss; <paramref name="probabilities"/> must hold p(x) at the parameters.</summary>
    public static double Write(ReadOnlySpan<double> row, int label, ReadOnlySpan<double> probabilities, Span<double> gradient)
    {
        int d = row.Length, stride = d + 1;
        for (var c = 0; c < probabilities.Length; c++)
        {
            var residual = probabilities[c] - (c == label ? 1.0 : 0.0);
            var block = gradient.Slice(c * stride, stride);
            for (var j = 0; j < d; j++) block[j] = residual * row[j];
            block[d] = residual;
        }
        return -PortableMath.Log(probabilities[label]);
    }
}
