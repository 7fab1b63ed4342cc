namespace Unlearning.Learning;

/// <summary>Combines the class probabilities of several sub-models, in a fixed member order.</summary>
public static class Ensemble
{
    /// <summary>
    /// Writes the ensemble's class probabilities for <paramref name="row"/> and returns the chosen class.
    /// Average: mean of the members' probabilities. Vote: share of members whose top class each class is.
    /// </summary>
    public static int Predict(IReadOnlyList<IClassifier> members, bool vote, ReadOnlySpan<double> row, Span<double> result)
    {
        var k = result.Length;
        Span<double> member = k <= 64 ? stackalloc double[k] : new double[k];
        result.Clear();
        foreach (var classifier in members)
        {
            classifier.Probabilities(row, member);
            if (vote) result[SoftmaxModel.ArgMax(member)] += 1.0;
            else for (var c = 0; c < k; c++) result[c] += member[c];
        }
        for (var c = 0; c < k; c++) result[c] /= members.Count;
        return SoftmaxModel.ArgMax(result);
    }
}
