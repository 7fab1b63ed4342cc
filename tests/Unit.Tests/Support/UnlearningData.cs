using Unlearning.Learning;
using Unlearning.Removal;
using Unlearning.TestKit;

namespace Unlearning.Tests.Support;

/// <summary>Data sets shaped for the unlearning tests.</summary>
internal static class UnlearningData
{
    public static TrainingSet ToSet(IReadOnlyList<DataRecord> records, int featureCount, int classCount) =>
        new(records.SelectMany(r => r.Features).ToArray(), records.Select(r => r.Label).ToArray(), featureCount, classCount);

    /// <summary>The shipped breast cancer training split (80%), raw.</summary>
    public static (TrainingSet Train, TrainingSet Holdout) WdbcSplit()
    {
        var data = Dataset.Wdbc();
        var (train, holdout) = data.Split();
        return (ToSet(train, data.FeatureNames.Length, data.Labels.Length), ToSet(holdout, data.FeatureNames.Length, data.Labels.Length));
    }

    /// <summary>
    /// The certified model's fixed transform for wdbc. Its centre and scale stand for configured constants:
    /// they are computed once here, from the whole published set, and never change as records are removed.
    /// </summary>
    public static UnitBallTransform WdbcTransform()
    {
        var all = Dataset.Wdbc();
        var set = ToSet(all.Records, all.FeatureNames.Length, all.Labels.Length);
        var reference = Standardizer.Fit(set);
        return new UnitBallTransform(set.FeatureCount, reference.Means, reference.Scales, intercept: true);
    }

    /// <summary>Three Gaussian blobs in four dimensions, from a fixed seed.</summary>
    public static TrainingSet ThreeBlobs(int rows, int seed)
    {
        const int features = 4, classes = 3;
        double[][] centres = [[1.5, 0, 0, 0.5], [-1, 1.5, 0, -0.5], [-0.5, -1.5, 1, 0]];
        var random = new Random(seed);
        var x = new double[rows * features];
        var y = new int[rows];
        for (var i = 0; i < rows; i++)
        {
            y[i] = i % classes;
            for (var j = 0; j < features; j++) x[i * features + j] = centres[y[i]][j] + 0.8 * Normal(random);
        }
        return new TrainingSet(x, y, features, classes);
    }

    /// <summary>The set without the rows at <paramref name="indices"/>, and those rows.</summary>
    public static (TrainingSet Remaining, TrainingSet Removed) Without(TrainingSet set, IReadOnlyCollection<int> indices)
    {
        var removed = new HashSet<int>(indices);
        var keep = Enumerable.Range(0, set.Rows).Where(i => !removed.Contains(i)).ToArray();
        var drop = Enumerable.Range(0, set.Rows).Where(removed.Contains).ToArray();
        return (Subset(set, keep), Subset(set, drop));
    }

    public static TrainingSet Subset(TrainingSet set, IReadOnlyList<int> rows) =>
        new(rows.SelectMany(i => set.Row(i).ToArray()).ToArray(), rows.Select(i => set.Labels[i]).ToArray(), set.FeatureCount, set.ClassCount);

    public static long[] Bits(IEnumerable<double> values) => values.Select(BitConverter.DoubleToInt64Bits).ToArray();

    public static double Norm(ReadOnlySpan<double> v)
    {
        var sum = 0.0;
        foreach (var x in v) sum += x * x;
        return Math.Sqrt(sum);
    }

    /// <summary>A standard normal draw (Box-Muller), two uniforms from <paramref name="random"/>.</summary>
    public static double Normal(Random random) =>
        Math.Sqrt(-2 * Math.Log(1 - random.NextDouble())) * Math.Cos(2 * Math.PI * random.NextDouble());
}
