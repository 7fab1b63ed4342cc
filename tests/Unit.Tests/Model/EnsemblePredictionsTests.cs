using Unlearning.Learning;
using Unlearning.Model;

namespace Unlearning.Tests.Model;

public sealed class EnsemblePredictionsTests
{
    private sealed class Fixed(params double[] probabilities) : IClassifier
    {
        public void Probabilities(ReadOnlySpan<double> row, Span<double> result) => probabilities.CopyTo(result);
    }

    private static readonly IClassifier[] Members = [new Fixed(0.6, 0.4), new Fixed(0.6, 0.4), new Fixed(0.0, 1.0)];

    [Fact]
    public void Average_means_the_members_probabilities()
    {
        var prediction = Assert.Single(EnsemblePredictions.Of(Members, EnsembleMode.Average, 2, [[0.0]]));
        Assert.Equal(1, prediction.Label);
        AssertClose([0.4, 0.6], prediction.Probabilities);
    }

    [Fact]
    public void Vote_counts_each_members_top_class()
    {
        var prediction = Assert.Single(EnsemblePredictions.Of(Members, EnsembleMode.Vote, 2, [[0.0]]));
        Assert.Equal(0, prediction.Label);
        AssertClose([2.0 / 3, 1.0 / 3], prediction.Probabilities);
    }

    [Fact]
    public void Accuracy_is_the_share_of_rows_predicted_right()
    {
        Prediction[] predictions = [new(0, [1, 0]), new(1, [0, 1]), new(1, [0, 1]), new(0, [1, 0])];
        Assert.Equal(0.75, EnsemblePredictions.Accuracy(predictions, [0, 1, 0, 0]));
        Assert.Throws<ArgumentException>(() => EnsemblePredictions.Accuracy(predictions, [0]));
        Assert.Throws<ArgumentException>(() => EnsemblePredictions.Accuracy([], []));
    }

    private static void AssertClose(double[] expected, double[] actual)
    {
        Assert.Equal(expected.Length, actual.Length);
        for (var i = 0; i < expected.Length; i++) Assert.Equal(expected[i], actual[i], 12);
    }
}
