using MathNet.Numerics.LinearAlgebra;
using MathNet.Numerics.Optimization;
using MathNet.Numerics.Providers.LinearAlgebra;
using Unlearning.Compute;

namespace Unlearning.Learning;

/// <summary>Settings of one fit; part of what makes weights reproducible.</summary>
public sealed record TrainerSettings(double Lambda, int MaxIterations)
{
    public double GradientTolerance { get; init; } = 1e-7;
}

/// <summary>A fitted model in raw feature space (see <see cref="SoftmaxModel"/> for the layout).</summary>
public sealed record FitResult(double[] Weights, int Iterations, bool Converged);

/// <summary>
/// Full-batch L-BFGS (MathNet.Numerics) on the standardised softmax objective. Single-threaded and
/// order-fixed, so the same rows, settings and warm start give the same bits on any machine thread count.
/// </summary>
public static class SoftmaxTrainer
{
    // L-BFGS's dot products and vector updates go through MathNet's linear-algebra provider. Left to
    // itself MathNet takes a native BLAS (MKL, OpenBLAS, CUDA) when one is installed beside it or named in
    // MathNetNumericsLAProvider, and those sum in their own blocked, fused order; the managed provider's
    // loops are sequential sums of correctly rounded operations, the same on every machine.
    static SoftmaxTrainer() => LinearAlgebraControl.UseManaged();

    public static FitResult Fit(TrainingSet data, TrainerSettings settings, double[]? warmStartRaw = null, CancellationToken cancellation = default) =>
        Fit([data], settings, warmStartRaw, cancellation);

    /// <summary>Fits on the rows of <paramref name="parts"/> taken one after the other: the same bits as one set of them all.</summary>
    public static FitResult Fit(IReadOnlyList<TrainingSet> parts, TrainerSettings settings, double[]? warmStartRaw = null, CancellationToken cancellation = default)
    {
        if (parts.Count == 0 || parts.Any(part => part.FeatureCount != parts[0].FeatureCount || part.ClassCount != parts[0].ClassCount))
            throw new ArgumentException("a fit needs at least one part, all of one shape", nameof(parts));
        var rows = parts.Sum(part => part.Features.Length);
        using var buffer = FitBuffer.Rent(rows);
        var at = 0;
        foreach (var part in parts)
        {
            part.Features.CopyTo(buffer.Memory.Span[at..]);
            at += part.Features.Length;
        }
        var labels = parts.Count == 1 ? parts[0].Labels : [.. parts.SelectMany(part => part.Labels)];
        return FitInPlace(buffer.Memory, labels, parts[0].FeatureCount, parts[0].ClassCount, settings, warmStartRaw, cancellation);
    }

    /// <summary>
    /// Fits on the first <c>labels.Length</c> rows of <paramref name="rows"/> (row-major raw features), which it standardises
    /// in place: the caller's buffer holds the standardised rows afterwards. The same bits as <see cref="Fit(IReadOnlyList{TrainingSet}, TrainerSettings, double[], CancellationToken)"/>
    /// on those rows; it saves a caller that gathers rows anyway a second copy.
    /// </summary>
    public static FitResult FitInPlace(Memory<double> rows, int[] labels, int featureCount, int classCount, TrainerSettings settings,
        double[]? warmStartRaw = null, CancellationToken cancellation = default)
    {
        if (featureCount <= 0) throw new ArgumentOutOfRangeException(nameof(featureCount));
        if (classCount < 2) throw new ArgumentOutOfRangeException(nameof(classCount), "a classifier needs at least two classes");
        if (labels.Length == 0 || rows.Length < labels.Length * featureCount)
            throw new ArgumentException($"{rows.Length} values do not hold {labels.Length} rows of {featureCount}", nameof(rows));
        var values = rows.Span[..(labels.Length * featureCount)];
        var standardizer = Standardizer.Fit(values, featureCount);
        standardizer.TransformInPlace(values);
        var objective = new SoftmaxObjective(rows, labels, featureCount, classCount, settings.Lambda);
        return Minimize(objective, standardizer, classCount, settings, warmStartRaw, cancellation);
    }

    private static FitResult Minimize(SoftmaxObjective objective, Standardizer standardizer, int classCount, TrainerSettings settings,
        double[]? warmStartRaw, CancellationToken cancellation)
    {
        var start = warmStartRaw is null
            ? new double[objective.ParameterCount]
            : standardizer.FromRawSpace(warmStartRaw, classCount);

        var best = new BestPoint(start);
        var function = ObjectiveFunction.Gradient(point =>
        {
            cancellation.ThrowIfCancellationRequested();
            var parameters = point.AsArray() ?? point.ToArray();
            var gradient = new double[parameters.Length];
            var value = objective.Evaluate(parameters, gradient);
            best.Offer(parameters, value);
            return (value, Vector<double>.Build.Dense(gradient));
        });

        var minimizer = new LimitedMemoryBfgsMinimizer(
            gradientTolerance: settings.GradientTolerance,
            parameterTolerance: 1e-12,
            functionProgressTolerance: 1e-12,
            memory: 10,
            maximumIterations: settings.MaxIterations);
        try
        {
            var result = minimizer.FindMinimum(function, Vector<double>.Build.Dense(start));
            var found = result.MinimizingPoint.ToArray();
            return new FitResult(standardizer.ToRawSpace(found, classCount), result.Iterations, true);
        }
        catch (OptimizationException)
        {
            // Iteration cap or a line search that cannot improve: keep the best point evaluated, which is
            // as deterministic as the optimiser's own answer.
            return new FitResult(standardizer.ToRawSpace(best.Parameters, classCount), settings.MaxIterations, false);
        }
    }

    private sealed class BestPoint(double[] start)
    {
        private double _value = double.PositiveInfinity;
        public double[] Parameters { get; private set; } = (double[])start.Clone();

        public void Offer(double[] parameters, double value)
        {
            if (!(value < _value)) return;
            _value = value;
            Parameters = (double[])parameters.Clone();
        }
    }
}
