using System.Diagnostics;
using Unlearning.Learning;
using Unlearning.Removal;
using Unlearning.TestKit;

namespace Unlearning.Bench.Peers;

/// <summary>
/// The grains' own learner (<see cref="SoftmaxTrainer"/>) run in this process, outside the cluster, on exactly the rows
/// a grain would train on: how much of a forget's wall time is fitting, and how much is everything else.
/// </summary>
public static class LearnerProbe
{
    /// <summary>Fit times of one shard's slice prefixes, each warm-started from the previous one (as the shard does).</summary>
    public sealed record ShardFits(double[] PrefixMs, double OneFitMs)
    {
        /// <summary>A forget in slice r recomputes checkpoints r..R-1; averaged over r (uniform, as ids hash to slices).</summary>
        public double ExpectedSlicedMs => Enumerable.Range(0, PrefixMs.Length).Average(r => PrefixMs[r..].Sum());
        public double WorstMs => PrefixMs.Sum();
    }

    public static double FullFitMs(Dataset data, IEnumerable<DataRecord> rows) =>
        Time(() => SoftmaxTrainer.Fit(Set(data, rows.OrderBy(r => r.Id, StringComparer.Ordinal)), Settings()));

    public static ShardFits Shard(Dataset data, IEnumerable<DataRecord> rows, int shards, int slices, int shard = 0)
    {
        var mine = rows.Where(r => Partitioning.ShardOf(r.Subject, shards) == shard).ToArray();
        var bySlice = Enumerable.Range(0, slices)
            .Select(s => mine.Where(r => Partitioning.SliceOf(r.Id, slices) == s).OrderBy(r => r.Id, StringComparer.Ordinal).ToArray())
            .ToArray();
        var prefixMs = new double[slices];
        double[]? warm = null;
        for (var s = 0; s < slices; s++)
        {
            var set = Set(data, bySlice[..(s + 1)].SelectMany(x => x));
            var stopwatch = Stopwatch.StartNew();
            warm = SoftmaxTrainer.Fit(set, Settings(), warm).Weights;
            prefixMs[s] = stopwatch.Elapsed.TotalMilliseconds;
        }
        var all = Set(data, bySlice.SelectMany(x => x));
        return new ShardFits(prefixMs, Time(() => SoftmaxTrainer.Fit(all, Settings())));
    }

    /// <summary>
    /// A certified fit on all <c>rows</c> (one shard); the removal basis a shard computes in the background once a model is
    /// accepted; and one Newton step removing one of the rows, from that basis (a forget's critical path).
    /// </summary>
    public sealed record CertifiedFits(double FitMs, double BasisMs, double StepMs, double StepBound);

    /// <summary>
    /// Certified removal's maths as a certified shard of <paramref name="config"/> runs it on <paramref name="rows"/>: the fit,
    /// the basis of the fitted model, then the forget of the first record by id from the basis.
    /// </summary>
    public static CertifiedFits Certified(Dataset data, IReadOnlyList<DataRecord> rows, ModelConfig config)
    {
        var options = config.Certified ?? throw new ArgumentException("not a certified config", nameof(config));
        var transform = new UnitBallTransform(data.FeatureCount, options.FeatureCentres, options.FeatureScales, intercept: true);
        var settings = new CertificationSettings(config.Lambda, options.Sigma, options.Epsilon, options.Delta);
        var transformed = transform.Apply(Set(data, rows.OrderBy(r => r.Id, StringComparer.Ordinal).ToArray()));
        CertifiedModel? model = null;
        var fitMs = Time(() => model = CertifiedTrainer.Fit(transformed, settings, options.NoiseSeed).Model);
        RemovalBasis? basis = null;
        var basisMs = Time(() => basis = RemovalBasis.Compute(model!, transformed));
        RemovalOutcome? outcome = null;
        var stepMs = Time(() => outcome = CertifiedRemoval.Remove(basis!, [0], options.NoiseSeed + 1));
        return new CertifiedFits(fitMs, basisMs, stepMs, Math.Sqrt(outcome!.StepBounds.Sum(b => b * b)));
    }

    private static TrainerSettings Settings() => new(ModelConfig.DefaultLambda, ModelConfig.DefaultMaxIterations);

    private static TrainingSet Set(Dataset data, IEnumerable<DataRecord> rows)
    {
        var list = rows as IReadOnlyList<DataRecord> ?? rows.ToArray();
        var d = data.FeatureCount;
        var features = new double[list.Count * d];
        var labels = new int[list.Count];
        for (var i = 0; i < list.Count; i++)
        {
            list[i].Features.CopyTo(features, i * d);
            labels[i] = list[i].Label;
        }
        return new TrainingSet(features, labels, d, data.ClassCount);
    }

    private static double Time(Action action)
    {
        var stopwatch = Stopwatch.StartNew();
        action();
        return stopwatch.Elapsed.TotalMilliseconds;
    }
}
