using Unlearning.Algebra;
using Unlearning.Learning;

namespace Unlearning.Removal;

/// <summary>
/// The gradient residual of a certified model on rows: the norm of the gradient of its perturbed objective at its
/// weights, binary models in quadrature. The guarantee holds while this stays within the model's accumulated bound, so
/// an auditor recomputes it from the stored records and compares.
/// </summary>
public static class CertifiedResidual
{
    /// <param name="rows">The records the model stands for, transformed by its <see cref="UnitBallTransform"/>.</param>
    public static double Of(CertifiedModel model, TrainingSet rows)
    {
        if (rows.Rows != model.Rows) throw new ArgumentException($"{rows.Rows} rows for a model of {model.Rows}", nameof(rows));
        var squared = 0.0;
        var gradient = new double[model.Dimension];
        for (var m = 0; m < model.BinaryModelCount; m++)
        {
            var objective = new PerturbedLogisticObjective(rows, OneVsRest.PositiveClassOf(m, model.ClassCount), model.Settings.Lambda, model.Noise(m));
            objective.Evaluate(model.Weights[m], gradient);
            var norm = Vectors.Norm(gradient);
            squared += norm * norm;
        }
        return Math.Sqrt(squared);
    }
}
