namespace Unlearning.Removal;

/// <summary>
/// A certified-removal model's whole state: one weight vector per binary model (see <see cref="OneVsRest"/>)
/// over rows transformed by the model's <see cref="UnitBallTransform"/>, the number of records it stands
/// for, and each binary model's accumulated gradient residual bound beta. The noise vectors are not
/// stored: they are redrawn from <see cref="NoiseSeed"/>.
/// </summary>
public sealed class CertifiedModel
{
    private readonly double[][] _weights;
    private readonly double[] _residualBounds;

    /// <summary>Restores a state (for instance one read back from storage); arrays are copied.</summary>
    public CertifiedModel(CertificationSettings settings, ulong noiseSeed, int classCount, int rows,
        IReadOnlyList<double[]> weights, IReadOnlyList<double> residualBounds)
    {
        ArgumentNullException.ThrowIfNull(settings);
        if (classCount < 2) throw new ArgumentOutOfRangeException(nameof(classCount), classCount, "a classifier needs at least two classes");
        ArgumentOutOfRangeException.ThrowIfNegative(rows);
        var models = OneVsRest.ModelCount(classCount);
        if (weights.Count != models) throw new ArgumentException($"{weights.Count} weight vectors for {models} binary models", nameof(weights));
        if (residualBounds.Count != models) throw new ArgumentException($"{residualBounds.Count} residual bounds for {models} binary models", nameof(residualBounds));
        if (weights.Any(w => w.Length != weights[0].Length || w.Length == 0))
            throw new ArgumentException("every binary model needs the same, non-zero number of weights", nameof(weights));
        if (residualBounds.Any(b => !(b >= 0) || !double.IsFinite(b)))
            throw new ArgumentException("residual bounds must be finite and >= 0", nameof(residualBounds));
        Settings = settings;
        NoiseSeed = noiseSeed;
        ClassCount = classCount;
        Rows = rows;
        _weights = weights.Select(w => (double[])w.Clone()).ToArray();
        _residualBounds = residualBounds.ToArray();
    }

    public CertificationSettings Settings { get; }
    public ulong NoiseSeed { get; }
    public int ClassCount { get; }

    /// <summary>The number of records whose (perturbed) objective the weights approximately minimise.</summary>
    public int Rows { get; }

    /// <summary>Values per transformed row, the bias feature included.</summary>
    public int Dimension => _weights[0].Length;

    public int BinaryModelCount => _weights.Length;

    /// <summary>Binary model <c>m</c>'s weights; do not modify.</summary>
    public IReadOnlyList<double[]> Weights => _weights;

    /// <summary>Each binary model's accumulated bound on the norm of its objective's gradient at its weights.</summary>
    public IReadOnlyList<double> ResidualBounds => _residualBounds;

    /// <summary>
    /// The bound on the norm of the whole model's gradient residual: the binary objectives are separate
    /// blocks of one objective perturbed by one Gaussian vector, so their residuals add in quadrature.
    /// </summary>
    public double ResidualBound => Math.Sqrt(_residualBounds.Sum(b => b * b));

    /// <summary>The residual bound up to which removals stay (epsilon, delta)-certified.</summary>
    public double Budget => Settings.ResidualBudget;

    public double BudgetLeft => Budget - ResidualBound;

    /// <summary>Binary model <c>m</c>'s noise vector b, as drawn when it was trained.</summary>
    public double[] Noise(int model) => GaussianNoise.Draw(NoiseSeed, model, Dimension, Settings.Sigma);

    /// <summary>Class probabilities for a transformed row: the logistic output (K = 2) or the normalised one-vs-rest outputs.</summary>
    public void Probabilities(ReadOnlySpan<double> transformedRow, Span<double> probabilities)
    {
        if (transformedRow.Length != Dimension) throw new ArgumentException($"a row of {transformedRow.Length} values for {Dimension}");
        if (probabilities.Length != ClassCount) throw new ArgumentException($"{probabilities.Length} outputs for {ClassCount} classes");
        OneVsRest.Probabilities(_weights, transformedRow, probabilities);
    }

    internal CertifiedModel With(int rows, double[][] weights, double[] residualBounds) =>
        new(Settings, NoiseSeed, ClassCount, rows, weights, residualBounds);
}
