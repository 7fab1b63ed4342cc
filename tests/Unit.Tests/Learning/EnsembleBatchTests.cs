using Unlearning.Learning;
using Unlearning.Model;

namespace Unlearning.Tests.Learning;

public sealed class EnsembleBatchTests
{
    /// <summary>The one-row path: <see cref="Ensemble.Predict"/> on each row alone.</summary>
    private static Prediction[] OneByOne(IReadOnlyList<IClassifier> members, int classCount, double[][] rows) =>
    [
        .. rows.Select(row =>
        {
            var probabilities = new double[classCount];
            var label = Ensemble.Predict(members, vote: false, row, probabilities);
            return new Prediction(label, probabilities);
        }),
    ];

    [Theory]
    [InlineData(2, 7, 16, 1)]
    [InlineData(2, 7, 16, 1003)]
    [InlineData(3, 1, 1, 9)]
    [InlineData(10, 30, 5, 37)]
    [InlineData(26, 16, 4, 8)]
    public void Four_rows_at_a_time_give_the_bits_of_one_row_at_a_time(int classes, int features, int members, int rowCount)
    {
        var random = new Random(classes * 1000 + features * 10 + members);
        double Normal(double scale) => scale * Math.Sqrt(-2 * Math.Log(1 - random.NextDouble())) * Math.Cos(2 * Math.PI * random.NextDouble());
        IClassifier[] ensemble = [.. Enumerable.Range(0, members).Select(_ =>
            new SoftmaxClassifier([.. Enumerable.Range(0, classes * (features + 1)).Select(_ => Normal(2))]))];
        // Some rows far out, so that exp underflows for some classes.
        var rows = Enumerable.Range(0, rowCount).Select(i => Enumerable.Range(0, features).Select(_ => Normal(i % 5 == 0 ? 300 : 1)).ToArray()).ToArray();

        var batched = EnsemblePredictions.Of(ensemble, EnsembleMode.Average, classes, rows);
        var single = OneByOne(ensemble, classes, rows);

        Assert.Equal(single.Select(p => p.Label), batched.Select(p => p.Label));
        Assert.Equal(single.SelectMany(p => p.Probabilities).Select(BitConverter.DoubleToInt64Bits),
            batched.SelectMany(p => p.Probabilities).Select(BitConverter.DoubleToInt64Bits));
    }

    [Fact]
    public void Votes_and_members_other_than_softmax_take_the_one_row_path()
    {
        IClassifier[] softmax = [new SoftmaxClassifier([1.0, 0.0, -1.0, 0.0])];
        Assert.NotNull(EnsembleBatch.Members(softmax, vote: false));
        Assert.Null(EnsembleBatch.Members(softmax, vote: true));
        Assert.Null(EnsembleBatch.Members([.. softmax, new Constant()], vote: false));
        Assert.Null(EnsembleBatch.Members([], vote: false));
    }

    private sealed class Constant : IClassifier
    {
        public void Probabilities(ReadOnlySpan<double> row, Span<double> probabilities) => probabilities.Fill(1.0 / probabilities.Length);
    }
}
