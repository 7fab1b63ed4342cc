using Unlearning.Algebra;
using Unlearning.Learning;

namespace Unlearning.Removal;

/// <summary>
/// Removes records from a certified model by one Newton step per binary model (Guo et al. 2020, Algorithm 1,
/// batched form). For the records R (k of them) leaving n, the objective on the n - k that remain is
/// J'(w) = J(w) - sum_{j in R} l_j(w) - (lambda k / 2)|w|^2, so at the current weights w (where grad J = 0)
/// grad J'(w) = -Delta with Delta = k lambda w + sum_{j in R} grad l_j(w), and the Newton step is
/// w' = w + H'^-1 Delta, H' the Hessian of J' at w.
/// Its gradient residual is bounded by gamma R |X'|_2 |H'^-1 Delta| |X' H'^-1 Delta| (the paper's data-dependent
/// bound, gamma = 1/4, X' the remaining rows, with |x_i| &lt;= 1 relaxed to |x_i| &lt;= R = max_i |x_i| so that a
/// constant bias feature 1 is allowed; integrating the Hessian's change along the step shows gamma/2 would do,
/// so the bound keeps a factor 2 of slack). Bounds of successive removals add up, as do any residual left by
/// the fit itself, because each step solves only for Delta and carries the earlier residual along.
/// A batch costs one factorisation per binary model but spends more budget than removing its records one
/// call at a time (the bound grows with the square of the step).
/// </summary>
public static class CertifiedRemoval
{
    /// <summary>2^-53, the unit roundoff of a double.</summary>
    private const double UnitRoundoff = 1.1102230246251565e-16;

    /// <summary>
    /// Removes by building the <see cref="RemovalBasis"/> of all the model's rows first: O(n d^2). A retrain, when the
    /// budget runs out, draws the model's own noise again: for checking the maths only; a served model's refits must
    /// draw fresh noise (the other overload).
    /// </summary>
    /// <param name="remaining">The model's records without the removed ones, transformed as for training.</param>
    /// <param name="removed">The records to remove, transformed as for training.</param>
    public static RemovalOutcome Remove(CertifiedModel model, TrainingSet remaining, TrainingSet removed)
    {
        ArgumentNullException.ThrowIfNull(model);
        if (remaining.Rows + removed.Rows != model.Rows)
            throw new ArgumentException($"{remaining.Rows} remaining and {removed.Rows} removed records do not make the model's {model.Rows}");
        if (remaining.Rows == 0) throw new ArgumentException("removing every record leaves nothing to fit", nameof(removed));
        foreach (var set in new[] { remaining, removed })
        {
            if (set.FeatureCount != model.Dimension) throw new ArgumentException($"rows of {set.FeatureCount} values for a model of {model.Dimension}");
            if (set.ClassCount != model.ClassCount) throw new ArgumentException($"{set.ClassCount} classes for a model of {model.ClassCount}");
        }
        if (removed.Rows == 0) return Unchanged(model);
        var rows = new TrainingSet([.. remaining.Features, .. removed.Features], [.. remaining.Labels, .. removed.Labels], model.Dimension, model.ClassCount);
        return Remove(RemovalBasis.Compute(model, rows), [.. Enumerable.Range(remaining.Rows, removed.Rows)], model.NoiseSeed);
    }

    /// <summary>
    /// Removes the basis rows at <paramref name="removed"/> (strictly ascending) from the basis's model in
    /// O(k d^2 + d^3) per binary model: H' and |X' step| come from the basis by subtracting the removed rows'
    /// terms (always, however few rows remain, so the bits depend on the basis and the removed rows only).
    /// Only a retrain, when the budget would be exceeded, touches the remaining rows; it draws its noise from
    /// <paramref name="refitNoiseSeed"/>, never the model's own (an exact refit on known rows reveals its noise).
    /// </summary>
    public static RemovalOutcome Remove(RemovalBasis basis, IReadOnlyList<int> removed, ulong refitNoiseSeed)
    {
        ArgumentNullException.ThrowIfNull(basis);
        var rows = basis.Rows;
        SortedIndices.Check(removed, rows.Rows, nameof(removed));
        var model = basis.Model;
        if (removed.Count == 0) return Unchanged(model);
        if (removed.Count == rows.Rows) throw new ArgumentException("removing every record leaves nothing to fit", nameof(removed));

        var lambda = model.Settings.Lambda;
        var d = model.Dimension;
        var weights = new double[model.BinaryModelCount][];
        var stepBounds = new double[model.BinaryModelCount];
        var residuals = new double[model.BinaryModelCount];
        for (var m = 0; m < model.BinaryModelCount; m++)
        {
            var w = model.Weights[m];
            var positive = OneVsRest.PositiveClassOf(m, model.ClassCount);
            var delta = new double[d];
            Vectors.AddScaled(delta, removed.Count * lambda, w);
            var hessian = basis.Curvature(m).ToArray();
            foreach (var j in removed)
            {
                var row = rows.Row(j);
                var sign = rows.Labels[j] == positive ? 1.0 : -1.0;
                var margin = Vectors.Dot(w, row);
                Vectors.AddScaled(delta, -sign * LogisticLoss.NegativeSlope(sign * margin), row);
                SymmetricMatrix.AddOuterUpper(hessian, -LogisticLoss.Curvature(margin), row);
            }
            for (var j = 0; j < d; j++) hessian[j * d + j] += lambda * (rows.Rows - removed.Count);
            SymmetricMatrix.MirrorUpper(hessian, d);
            var step = Cholesky.Factor(hessian, d).Solve(delta);
            weights[m] = new double[d];
            for (var j = 0; j < d; j++) weights[m][j] = w[j] + step[j];
            // |X'|_2 and max |x_i| over the remaining rows are at most the basis's values over all of them
            // (X'^T X' = G minus positive semi-definite terms), so the basis's values keep the bound an upper bound.
            stepBounds[m] = LogisticLoss.CurvatureLipschitz * basis.MaxRowNorm * basis.DataNorm * Vectors.Norm(step) * ImageNormBound(basis, removed, step);
            residuals[m] = model.ResidualBounds[m] + stepBounds[m];
        }
        var updated = model.With(rows.Rows - removed.Count, weights, residuals);
        if (updated.ResidualBound <= updated.Budget) return new RemovalOutcome(updated, stepBounds, updated.ResidualBound, false);
        var retrained = CertifiedTrainer.Fit(basis.Without(removed), model.Settings, refitNoiseSeed).Model;
        return new RemovalOutcome(retrained, stepBounds, updated.ResidualBound, true);
    }

    /// <summary>
    /// An upper bound on |X' s|, X' the basis rows without <paramref name="removed"/>: |X' s|^2 = s^T G s - sum_R (x_j.s)^2.
    /// The difference may cancel, so it gets an absolute slack for rounding: each computed sum of m products is off by
    /// at most about m u times the sum of their magnitudes (u the unit roundoff), and those magnitudes add up to at most
    /// sum_i (|x_i|.|s|)^2 &lt;= tr(G) |s|^2, once for G's entries with the quadratic form (m = n + d) and once for the
    /// removed rows' terms (m = k + d); twice that covers the roundings of tr G, |s| and the bound of m u.
    /// </summary>
    internal static double ImageNormBound(RemovalBasis basis, IReadOnlyList<int> removed, ReadOnlySpan<double> step)
    {
        var squared = SymmetricMatrix.QuadraticForm(basis.Gram, step);
        foreach (var j in removed)
        {
            var projection = Vectors.Dot(basis.Rows.Row(j), step);
            squared -= projection * projection;
        }
        var terms = basis.Rows.Rows + removed.Count + 2 * step.Length;
        var slack = 2 * terms * UnitRoundoff * basis.GramTrace * Vectors.Dot(step, step);
        return Math.Sqrt(Math.Max(squared, 0) + slack);
    }

    private static RemovalOutcome Unchanged(CertifiedModel model) =>
        new(model, new double[model.BinaryModelCount], model.ResidualBound, false);
}
