namespace Unlearning.Learning;

/// <summary>A fitted sub-model as the ensemble sees it: class probabilities of a raw feature row.</summary>
public interface IClassifier
{
    void Probabilities(ReadOnlySpan<double> row, Span<double> probabilities);
}

/// <summary>A multinomial logistic model in raw feature space (see <see cref="SoftmaxModel"/>).</summary>
public sealed class SoftmaxClassifier(double[] weights) : IClassifier
{
    public double[] Weights { get; } = weights;

    public void Probabilities(ReadOnlySpan<double> row, Span<double> probabilities) =>
        SoftmaxModel.Probabilities(Weights, row, probabilities);
}
