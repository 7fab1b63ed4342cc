using Unlearning.Algebra;

namespace Unlearning.Removal;

/// <summary>
/// What removing one record alone would spend: for each sampled row j of a <see cref="RemovalBasis"/>, the step bound
/// <see cref="CertifiedRemoval"/> charges each binary model for a Newton step that removes j and nothing else, without
/// taking any step. One Cholesky factorisation per binary model serves every row: H' = A - l''(w.x_j) x_j x_j^T with
/// A = H + lambda (n - 1) I, so H'^-1 Delta follows from two solves with A by the Sherman-Morrison formula (the same
/// maths as the removal's own factorisation of H', rounded differently: an estimate, not a receipt). O(d^3 + s d^2) per
/// binary model for s sampled rows, after the basis's O(n d^2).
/// </summary>
public static class SingleRemovalBounds
{
    /// <param name="sample">Rows of the basis (any order, each at most once).</param>
    /// <returns>bounds[i][m]: binary model m's step bound for removing row sample[i] alone.</returns>
    public static double[][] Measure(RemovalBasis basis, IReadOnlyList<int> sample)
    {
        ArgumentNullException.ThrowIfNull(basis);
        var rows = basis.Rows;
        var model = basis.Model;
        if (rows.Rows < 2) throw new ArgumentException("removing the only record leaves nothing to fit", nameof(basis));
        foreach (var j in sample) ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual((uint)j, (uint)rows.Rows, nameof(sample));
        var d = model.Dimension;
        var lambda = model.Settings.Lambda;
        var bounds = new double[sample.Count][];
        for (var i = 0; i < bounds.Length; i++) bounds[i] = new double[model.BinaryModelCount];
        var delta = new double[d];
        var u = new double[d];
        var v = new double[d];
        var step = new double[d];
        for (var m = 0; m < model.BinaryModelCount; m++)
        {
            var w = model.Weights[m];
            var positive = OneVsRest.PositiveClassOf(m, model.ClassCount);
            var a = basis.Curvature(m).ToArray();
            for (var j = 0; j < d; j++) a[j * d + j] += lambda * (rows.Rows - 1);
            var factor = Cholesky.Factor(a, d);
            for (var i = 0; i < sample.Count; i++)
            {
                var row = rows.Row(sample[i]);
                var sign = rows.Labels[sample[i]] == positive ? 1.0 : -1.0;
                var margin = Vectors.Dot(w, row);
                Array.Clear(delta);
                Vectors.AddScaled(delta, lambda, w);
                Vectors.AddScaled(delta, -sign * LogisticLoss.NegativeSlope(sign * margin), row);
                factor.Solve(delta, u, row, v);
                var curvature = LogisticLoss.Curvature(margin);
                // A - c x x^T is the Hessian of the n - 1 remaining records: positive definite, so 1 - c x.A^-1 x > 0.
                var scale = curvature * Vectors.Dot(row, u) / (1 - curvature * Vectors.Dot(row, v));
                for (var j = 0; j < d; j++) step[j] = u[j] + scale * v[j];
                bounds[i][m] = LogisticLoss.CurvatureLipschitz * basis.MaxRowNorm * basis.DataNorm * Vectors.Norm(step)
                    * CertifiedRemoval.ImageNormBound(basis, [sample[i]], step);
            }
        }
        return bounds;
    }
}
