using Unlearning.Algebra;
using Unlearning.Learning;

namespace Unlearning.Removal;

/// <summary>
/// Removes records from a certified model by one Newton step per binary model (Guo et al. 2020, Algorithm 1,
/// batched form). For the records R (m of them) leaving n, the objective on the n - m that remain is
/// J'(w) = J(w) - sum_{j in R} l_j(w) - (lambda m / 2)|w|^2, so at the current weights w (where grad J = 0)
/// grad J'(w) = -Delta with Delta = m lambda w + sum_{j in R} grad l_j(w), and the Newton step is
/// w' = w + H'^-1 Delta, H' the Hessian of J' at w.
/// Its gradient residual is bounded by gamma R |X|_2 |H'^-1 Delta| |X H'^-1 Delta| (the paper's data-dependent
/// bound, gamma = 1/4, X the remaining rows, with |x_i| &lt;= 1 relaxed to |x_i| &lt;= R = max_i |x_i| so that a
/// constant bias feature 1 is allowed; integrating the Hessian's change along the step shows gamma/2 would do,
/// so the bound keeps a factor 2 of slack). Bounds of successive removals add up, as do any residual left by
/// the fit itself, because each step solves only for Delta and carries the earlier residual along.
/// A batch costs one factorisation per binary model but spends more budget than removing its records one
/// call at a time (the bound grows with the square of the step).
/// </summary>
public static class CertifiedRemoval
{
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
        if (removed.Rows == 0) return new RemovalOutcome(model, new double[model.BinaryModelCount], model.ResidualBound, false);

        var lambda = model.Settings.Lambda;
        var dataNorm = SpectralNorm.UpperBound(remaining);
        var rowNorm = MaxRowNorm(remaining);
        var weights = new double[model.BinaryModelCount][];
        var stepBounds = new double[model.BinaryModelCount];
        var residuals = new double[model.BinaryModelCount];
        for (var m = 0; m < model.BinaryModelCount; m++)
        {
            var w = model.Weights[m];
            var positive = OneVsRest.PositiveClassOf(m, model.ClassCount);
            var delta = new double[w.Length];
            Vectors.AddScaled(delta, removed.Rows * lambda, w);
            AddLossGradients(removed, positive, w, delta);
            var objective = new PerturbedLogisticObjective(remaining, positive, lambda, model.Noise(m));
            var step = Cholesky.Factor(objective.Hessian(w), w.Length).Solve(delta);
            weights[m] = new double[w.Length];
            for (var j = 0; j < w.Length; j++) weights[m][j] = w[j] + step[j];
            stepBounds[m] = LogisticLoss.CurvatureLipschitz * rowNorm * dataNorm * Vectors.Norm(step) * ImageNorm(remaining, step);
            residuals[m] = model.ResidualBounds[m] + stepBounds[m];
        }
        var updated = model.With(remaining.Rows, weights, residuals);
        if (updated.ResidualBound <= updated.Budget) return new RemovalOutcome(updated, stepBounds, updated.ResidualBound, false);
        var retrained = CertifiedTrainer.Fit(remaining, model.Settings, model.NoiseSeed).Model;
        return new RemovalOutcome(retrained, stepBounds, updated.ResidualBound, true);
    }

    /// <summary>Adds sum_j grad l_j(w) = sum_j -y_j sigmoid(-y_j w.x_j) x_j over <paramref name="rows"/>.</summary>
    private static void AddLossGradients(TrainingSet rows, int positiveClass, ReadOnlySpan<double> w, Span<double> sum)
    {
        for (var i = 0; i < rows.Rows; i++)
        {
            var row = rows.Row(i);
            var sign = rows.Labels[i] == positiveClass ? 1.0 : -1.0;
            Vectors.AddScaled(sum, -sign * LogisticLoss.NegativeSlope(sign * Vectors.Dot(w, row)), row);
        }
    }

    /// <summary>|X s|, the norm of the step's image under the data matrix.</summary>
    private static double ImageNorm(TrainingSet rows, ReadOnlySpan<double> step)
    {
        var sum = 0.0;
        for (var i = 0; i < rows.Rows; i++)
        {
            var projection = Vectors.Dot(rows.Row(i), step);
            sum += projection * projection;
        }
        return Math.Sqrt(sum);
    }

    private static double MaxRowNorm(TrainingSet rows)
    {
        var max = 0.0;
        for (var i = 0; i < rows.Rows; i++) max = Math.Max(max, Vectors.Norm(rows.Row(i)));
        return max;
    }
}
