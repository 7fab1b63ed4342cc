using Unlearning.Algebra;

namespace Unlearning.Removal;

/// <summary>
/// How a K-class problem maps to binary models: one model (class 1 against class 0) when K = 2, else one
/// model per class against the rest. Each binary model has its own noise stream.
/// </summary>
public static class OneVsRest
{
    public static int ModelCount(int classCount) => classCount == 2 ? 1 : classCount;

    public static int PositiveClassOf(int model, int classCount) => classCount == 2 ? 1 : model;

    /// <summary>Class probabilities of the binary models for a transformed row: the logistic output (K = 2) or the normalised one-vs-rest outputs.</summary>
    public static void Probabilities(IReadOnlyList<double[]> weights, ReadOnlySpan<double> transformedRow, Span<double> probabilities)
    {
        var classCount = probabilities.Length;
        if (classCount == 2)
        {
            probabilities[1] = LogisticLoss.Sigmoid(Vectors.Dot(weights[0], transformedRow));
            probabilities[0] = 1 - probabilities[1];
            return;
        }
        var sum = 0.0;
        for (var c = 0; c < classCount; c++)
        {
            probabilities[c] = LogisticLoss.Sigmoid(Vectors.Dot(weights[c], transformedRow));
            sum += probabilities[c];
        }
        for (var c = 0; c < classCount; c++) probabilities[c] /= sum;
    }
}
