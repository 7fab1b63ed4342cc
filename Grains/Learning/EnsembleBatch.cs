using System.Runtime.Intrinsics;
using Unlearning.Algebra;

namespace Unlearning.Learning;

/// <summary>
/// The averaged ensemble of softmax members for four rows at once on 256-bit vectors, a row per lane. Each lane does
/// the operations of <see cref="SoftmaxModel.Probabilities"/> and <see cref="Ensemble.Predict"/> in their order (the
/// vector <see cref="PortableMath.Exp(Vector256{double})"/> gives the scalar one's bits), so an answer does not depend on
/// the batch it came in.
/// </summary>
internal static class EnsembleBatch
{
    public const int Rows = 4;

    /// <summary>The members as softmax models when this path can predict for them; null when not (votes, certified members).</summary>
    public static SoftmaxClassifier[]? Members(IReadOnlyList<IClassifier> members, bool vote)
    {
        if (vote || !Vector256.IsHardwareAccelerated || members.Count == 0) return null;
        var softmax = new SoftmaxClassifier[members.Count];
        for (var m = 0; m < softmax.Length; m++)
        {
            if (members[m] is not SoftmaxClassifier member) return null;
            softmax[m] = member;
        }
        return softmax;
    }

    /// <summary>Predicts <c>rows[start .. start + 4)</c> into the same places of <paramref name="into"/>.</summary>
    public static void PredictFour(SoftmaxClassifier[] members, int classCount, double[][] rows, int start, Prediction[] into)
    {
        int d = rows[start].Length, k = classCount, stride = d + 1;
        var x = d <= 256 ? stackalloc Vector256<double>[d] : new Vector256<double>[d];
        for (var j = 0; j < d; j++) x[j] = Vector256.Create(rows[start][j], rows[start + 1][j], rows[start + 2][j], rows[start + 3][j]);
        var scores = k <= 64 ? stackalloc Vector256<double>[k] : new Vector256<double>[k];
        var total = k <= 64 ? stackalloc Vector256<double>[k] : new Vector256<double>[k];
        total.Clear();
        foreach (var member in members)
        {
            var weights = member.Weights;
            var max = Vector256.Create(double.NegativeInfinity);
            for (var c = 0; c < k; c++)
            {
                var block = weights.AsSpan(c * stride, stride);
                var s = Vector256.Create(block[d]);
                for (var j = 0; j < d; j++) s += Vector256.Create(block[j]) * x[j];
                scores[c] = s;
                max = Vector256.ConditionalSelect(Vector256.GreaterThan(s, max), s, max);
            }
            var sum = Vector256<double>.Zero;
            for (var c = 0; c < k; c++)
            {
                scores[c] = PortableMath.Exp(scores[c] - max);
                sum += scores[c];
            }
            for (var c = 0; c < k; c++) total[c] += scores[c] / sum;
        }
        var count = Vector256.Create((double)members.Length);
        for (var c = 0; c < k; c++) total[c] /= count;
        for (var lane = 0; lane < Rows; lane++)
        {
            var probabilities = new double[k];
            for (var c = 0; c < k; c++) probabilities[c] = total[c][lane];
            into[start + lane] = new Prediction(SoftmaxModel.ArgMax(probabilities), probabilities);
        }
    }
}
