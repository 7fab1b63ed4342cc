using Unlearning.Algebra;
using Unlearning.Learning;

namespace Unlearning.Removal;

/// <summary>
/// What removals from <see cref="Model"/> need of the rows it stands for, computed once in O(n d^2) so that removing
/// k of them costs O(k d^2 + d^3) (<see cref="CertifiedRemoval.Remove(RemovalBasis, IReadOnlyList{int}, ulong)"/>): per
/// binary model m the loss curvature sum H_m = sum_i l''(w_m.x_i) x_i x_i^T at the model's weights (no
/// regularisation), the Gram matrix G = X^T X, an upper bound on |X|_2, the largest row norm, and the rows.
/// Everything is recomputed from the rows, never carried over from an earlier basis, so a basis is a function of
/// its model and rows alone: however and whenever it is computed (ahead of time, or after a restart), removals
/// from it give the same bits. Immutable; it keeps <see cref="Rows"/> without copying them.
/// </summary>
public sealed class RemovalBasis
{
    private readonly double[][] _curvature;
    private readonly double[] _gram;

    private RemovalBasis(CertifiedModel model, TrainingSet rows, double[][] curvature, double[] gram, double maxRowNorm)
    {
        Model = model;
        Rows = rows;
        _curvature = curvature;
        _gram = gram;
        MaxRowNorm = maxRowNorm;
        GramTrace = SymmetricMatrix.Trace(gram, rows.FeatureCount);
        DataNorm = SpectralNorm.FromGram(gram, rows.FeatureCount);
    }

    /// <param name="rows">Exactly the records <paramref name="model"/> stands for, transformed as for training.</param>
    public static RemovalBasis Compute(CertifiedModel model, TrainingSet rows)
    {
        ArgumentNullException.ThrowIfNull(model);
        if (rows.Rows != model.Rows) throw new ArgumentException($"{rows.Rows} rows for a model of {model.Rows}", nameof(rows));
        if (rows.FeatureCount != model.Dimension) throw new ArgumentException($"rows of {rows.FeatureCount} values for a model of {model.Dimension}", nameof(rows));
        if (rows.ClassCount != model.ClassCount) throw new ArgumentException($"{rows.ClassCount} classes for a model of {model.ClassCount}", nameof(rows));
        int d = rows.FeatureCount;
        var curvature = new double[model.BinaryModelCount][];
        for (var m = 0; m < curvature.Length; m++) curvature[m] = new double[d * d];
        var gram = new double[d * d];
        var maxRowNorm = 0.0;
        var ones = new double[rows.Rows];
        var weights = new double[curvature.Length][];
        for (var m = 0; m < curvature.Length; m++) weights[m] = new double[rows.Rows];
        for (var i = 0; i < rows.Rows; i++)
        {
            var row = rows.Row(i);
            ones[i] = 1.0;
            for (var m = 0; m < curvature.Length; m++) weights[m][i] = LogisticLoss.Curvature(Vectors.Dot(model.Weights[m], row));
            maxRowNorm = Math.Max(maxRowNorm, Vectors.Norm(row));
        }
        SymmetricMatrix.AddWeightedGramUpper(gram, rows, ones);
        for (var m = 0; m < curvature.Length; m++) SymmetricMatrix.AddWeightedGramUpper(curvature[m], rows, weights[m]);
        foreach (var h in curvature) SymmetricMatrix.MirrorUpper(h, d);
        SymmetricMatrix.MirrorUpper(gram, d);
        return new RemovalBasis(model, rows, curvature, gram, maxRowNorm);
    }

    public CertifiedModel Model { get; }

    /// <summary>The rows the model stands for, transformed; do not modify.</summary>
    public TrainingSet Rows { get; }

    /// <summary>An upper bound on the spectral norm |X|_2 of <see cref="Rows"/>.</summary>
    public double DataNorm { get; }

    public double MaxRowNorm { get; }

    /// <summary>tr G = sum_i |x_i|^2.</summary>
    internal double GramTrace { get; }

    /// <summary>G = X^T X, full and row-major.</summary>
    internal ReadOnlySpan<double> Gram => _gram;

    /// <summary>Binary model <paramref name="model"/>'s H_m, full and row-major.</summary>
    internal ReadOnlySpan<double> Curvature(int model) => _curvature[model];

    /// <summary>The rows without those at the strictly ascending <paramref name="removed"/>, the others in order.</summary>
    public TrainingSet Without(IReadOnlyList<int> removed)
    {
        SortedIndices.Check(removed, Rows.Rows, nameof(removed));
        return new TrainingSet(
            SortedIndices.Without(Rows.Features, Rows.FeatureCount, removed),
            SortedIndices.Without(Rows.Labels, 1, removed),
            Rows.FeatureCount, Rows.ClassCount);
    }
}
