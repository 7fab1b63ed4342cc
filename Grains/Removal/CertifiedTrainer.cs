using Unlearning.Learning;

namespace Unlearning.Removal;

/// <summary>An exact fit: the model and the most Newton steps any of its binary models took.</summary>
public sealed record CertifiedFit(CertifiedModel Model, int Iterations);

/// <summary>
/// Trains a certified-removal model: each binary model minimises its <see cref="PerturbedLogisticObjective"/>
/// by Newton's method from zero. Single-threaded and order-fixed, so the same rows, settings and seed
/// give the same bits on any machine and thread.
/// </summary>
public static class CertifiedTrainer
{
    /// <summary>The fit stops when |grad J| &lt;= this * n; J sums n losses, so this is per record.</summary>
    public const double GradientTolerancePerRow = 1e-12;

    public const int MaxIterations = 100;

    /// <param name="rows">Records already transformed by the model's <see cref="UnitBallTransform"/>.</param>
    /// <param name="noiseSeed">Seed of the noise vectors; a retrain must pass the same one.</param>
    public static CertifiedFit Fit(TrainingSet rows, CertificationSettings settings, ulong noiseSeed)
    {
        ArgumentNullException.ThrowIfNull(settings);
        return Fit(rows, settings, noiseSeed, settings.Sigma, null, GradientTolerancePerRow);
    }

    /// <summary>
    /// A calibration's pilot fit, never served: noise of standard deviation <paramref name="noiseSigma"/> (0: none) from
    /// <paramref name="noiseSeed"/> (the same seed at another sigma draws the same vectors scaled), Newton's method from
    /// <paramref name="start"/> (null: zero), stopping at <paramref name="tolerancePerRow"/>. <paramref name="settings"/>
    /// give lambda; their sigma is not used.
    /// </summary>
    public static CertifiedFit Fit(TrainingSet rows, CertificationSettings settings, ulong noiseSeed, double noiseSigma,
        IReadOnlyList<double[]>? start, double tolerancePerRow)
    {
        ArgumentNullException.ThrowIfNull(settings);
        if (rows.Rows == 0) throw new ArgumentException("a certified model needs at least one record", nameof(rows));
        if (!rows.Features.All(double.IsFinite)) throw new ArgumentException("every feature value must be finite", nameof(rows));
        if (!(noiseSigma >= 0 && double.IsFinite(noiseSigma))) throw new ArgumentOutOfRangeException(nameof(noiseSigma), noiseSigma, "must be finite and >= 0");
        var models = OneVsRest.ModelCount(rows.ClassCount);
        var weights = new double[models][];
        var residuals = new double[models];
        var iterations = 0;
        for (var m = 0; m < models; m++)
        {
            var noise = noiseSigma > 0 ? GaussianNoise.Draw(noiseSeed, m, rows.FeatureCount, noiseSigma) : new double[rows.FeatureCount];
            var objective = new PerturbedLogisticObjective(rows, OneVsRest.PositiveClassOf(m, rows.ClassCount), settings.Lambda, noise);
            var from = start?[m] ?? new double[rows.FeatureCount];
            var result = NewtonMinimizer.Minimize(objective, from, tolerancePerRow * rows.Rows, MaxIterations);
            weights[m] = result.Weights;
            // The fit's own residual is part of the residual the noise must cover, so it opens the account.
            residuals[m] = result.GradientNorm;
            iterations = Math.Max(iterations, result.Iterations);
        }
        var model = new CertifiedModel(settings, noiseSeed, rows.ClassCount, rows.Rows, weights, residuals);
        return new CertifiedFit(model, iterations);
    }
}
