using Unlearning.Learning;

namespace Unlearning.Removal;

/// <summary>One setting a calibration tries: lambda, and the noise sigma of the model it stands for (0: a noiseless pilot).</summary>
[GenerateSerializer, Immutable, Alias("Unlearning.CalibrationCandidate")]
public sealed record CalibrationCandidate([property: Id(0)] double Lambda, [property: Id(1)] double Sigma);

/// <summary>
/// What one shard's pilot measured for one <see cref="CalibrationCandidate"/>. Step bounds are scaled to the shard's
/// own rows (a bound shrinks as 1/n, see <see cref="PilotCalibration"/>); accuracy and log-loss are on the held-out rows.
/// </summary>
/// <param name="MeanStepBounds">Per binary model, the mean bound one single-record removal spends.</param>
/// <param name="StepBoundDeviations">Per binary model, the standard deviation of those bounds over the sampled records.</param>
/// <param name="MeanStepBound">The mean of a removal's bound over its binary models in quadrature (what a receipt's step spends).</param>
/// <param name="HighStepBound">The 95th percentile of that bound over the sampled records.</param>
/// <param name="HeldOutLogLoss">The sum over held-out rows of -ln p(label).</param>
[GenerateSerializer, Immutable, Alias("Unlearning.PilotMeasurement")]
public sealed record PilotMeasurement(
    [property: Id(0)] CalibrationCandidate Candidate,
    [property: Id(1)] int ShardRows,
    [property: Id(2)] int PilotRows,
    [property: Id(3)] int Sampled,
    [property: Id(4)] double[] MeanStepBounds,
    [property: Id(5)] double[] StepBoundDeviations,
    [property: Id(6)] double MeanStepBound,
    [property: Id(7)] double HighStepBound,
    [property: Id(8)] int HeldOutRows,
    [property: Id(9)] int HeldOutCorrect,
    [property: Id(10)] double HeldOutLogLoss);

/// <summary>
/// A shard's rows split for calibration, by stable hashes of the record ids (so the split is the same on every silo,
/// run and restart): about one row in <see cref="PilotCalibration.HeldOutEvery"/> held out to measure accuracy, the
/// others fit the pilot (all of them unless the rows are wide, see <see cref="PilotCalibration.PilotRowsFor"/>), and up to
/// <see cref="PilotCalibration.SampledRecords"/> of those are the records whose removal is measured.
/// </summary>
public sealed class PilotData
{
    private PilotData(TrainingSet train, TrainingSet heldOut, int shardRows, int[] sample)
    {
        Train = train;
        HeldOut = heldOut;
        ShardRows = shardRows;
        Sample = sample;
    }

    public TrainingSet Train { get; }
    public TrainingSet HeldOut { get; }
    public int ShardRows { get; }

    /// <summary>Rows of <see cref="Train"/>, ascending.</summary>
    public IReadOnlyList<int> Sample { get; }

    /// <param name="rows">The shard's rows, transformed, in its canonical order.</param>
    /// <param name="ids">Their record ids, row for row.</param>
    /// <returns>Null when the shard has too few rows to measure anything.</returns>
    public static PilotData? Of(TrainingSet rows, IReadOnlyList<string> ids)
    {
        if (ids.Count != rows.Rows) throw new ArgumentException($"{ids.Count} ids for {rows.Rows} rows", nameof(ids));
        if (rows.Rows < PilotCalibration.MinShardRows) return null;
        var held = new List<(ulong Hash, int Row)>();
        var train = new List<(ulong Hash, int Row)>();
        for (var i = 0; i < rows.Rows; i++)
        {
            if (StableKeyHash.Of(ids[i], PilotCalibration.SplitSeed) % PilotCalibration.HeldOutEvery == 0)
                held.Add((StableKeyHash.Of(ids[i], PilotCalibration.HeldOutSeed), i));
            else
                train.Add((StableKeyHash.Of(ids[i], PilotCalibration.PilotSeed), i));
        }
        if (held.Count == 0 || train.Count < 2) return null;
        var trainRows = Smallest(train, PilotCalibration.PilotRowsFor(rows.FeatureCount, rows.ClassCount));
        var heldRows = Smallest(held, PilotCalibration.MaxHeldOutRows);
        var trainSet = Subset(rows, trainRows);
        var sample = Smallest([.. trainRows.Select((row, at) => (StableKeyHash.Of(ids[row], PilotCalibration.SampleSeed), at))],
            PilotCalibration.SampledRecords);
        return new PilotData(trainSet, Subset(rows, heldRows), rows.Rows, sample);
    }

    /// <summary>The rows of the <paramref name="count"/> smallest hashes (ties: the earlier row), ascending.</summary>
    private static int[] Smallest(List<(ulong Hash, int Row)> rows, int count)
    {
        if (rows.Count > count)
        {
            rows.Sort((a, b) => a.Hash != b.Hash ? a.Hash.CompareTo(b.Hash) : a.Row.CompareTo(b.Row));
            rows = rows[..count];
        }
        var result = rows.Select(r => r.Row).ToArray();
        Array.Sort(result);
        return result;
    }

    private static TrainingSet Subset(TrainingSet rows, int[] indices)
    {
        var d = rows.FeatureCount;
        var features = new double[indices.Length * d];
        var labels = new int[indices.Length];
        for (var i = 0; i < indices.Length; i++)
        {
            rows.Row(indices[i]).CopyTo(features.AsSpan(i * d, d));
            labels[i] = rows.Labels[indices[i]];
        }
        return new TrainingSet(features, labels, d, rows.ClassCount);
    }
}

/// <summary>
/// Measures, on a pilot fit of part of a shard's rows, what single-record removals would spend and what the noise costs
/// in accuracy, for a <see cref="CalibrationSearch"/>. A removal's bound gamma R |X'| |H'^-1 Delta| |X' H'^-1 Delta| shrinks as
/// 1/n (|X| grows as sqrt n, H as n), so bounds measured on m pilot rows are scaled by m/n to the shard's n rows; the
/// pilot's noise is scaled by m/n too, so that its weights move as much as the shard's would under the candidate's
/// sigma (the noise enters the optimum through H^-1 b). Pilot noise comes from a public seed: the pilots are never
/// served, and the measurement must be a function of the records alone, the same on every silo and every run. The
/// model's secret key is never used here.
/// </summary>
public static class PilotCalibration
{
    public const int HeldOutEvery = 5;
    public const int MinShardRows = 10;
    public const int MinPilotRows = 1_000;
    public const int MaxHeldOutRows = 5_000;
    public const int SampledRecords = 256;

    /// <summary>Multiply-adds a pilot's Hessian may cost per Newton iteration (rows x d^2 x binary models): caps wide pilots.</summary>
    public const double PilotWork = 4e8;

    /// <summary>Pilots stop at a gradient of this per row: far below what changes a bound's leading digits.</summary>
    public const double TolerancePerRow = 1e-10;

    internal const ulong SplitSeed = 0x63616C2D73706C74; // "cal-splt"
    internal const ulong HeldOutSeed = 0x63616C2D68656C64;
    internal const ulong PilotSeed = 0x63616C2D70696C74;
    internal const ulong SampleSeed = 0x63616C2D73616D70;
    private const ulong NoiseSeedBase = 0x63616C2D6E6F6973;

    /// <summary>Pilot rows for rows of <paramref name="dimension"/> values: all, unless that would cost more than <see cref="PilotWork"/>.</summary>
    public static int PilotRowsFor(int dimension, int classCount)
    {
        var perRow = (double)dimension * dimension * OneVsRest.ModelCount(classCount);
        return (int)Math.Min(int.MaxValue, Math.Max(MinPilotRows, Math.Floor(PilotWork / perRow)));
    }

    /// <summary>The public seed of a shard's pilot noise: the same for every candidate, so sigmas scale one draw.</summary>
    public static ulong NoiseSeed(int shard) => NoiseSeedBase ^ (0x9E37_79B9_7F4A_7C15UL * (ulong)(shard + 1));

    public static PilotMeasurement Measure(PilotData pilot, CalibrationCandidate candidate, int shard)
    {
        ArgumentNullException.ThrowIfNull(pilot);
        ArgumentNullException.ThrowIfNull(candidate);
        var scale = (double)pilot.Train.Rows / pilot.ShardRows;
        // Epsilon and delta do not enter a fit or a bound; sigma is the noise given below.
        var settings = new CertificationSettings(candidate.Lambda, candidate.Sigma > 0 ? candidate.Sigma : 1, 1, 0.5);
        var fit = CertifiedTrainer.Fit(pilot.Train, settings, NoiseSeed(shard), candidate.Sigma * scale, null, TolerancePerRow);
        var basis = RemovalBasis.Compute(fit.Model, pilot.Train);
        var bounds = SingleRemovalBounds.Measure(basis, pilot.Sample);
        var models = fit.Model.BinaryModelCount;
        var means = new double[models];
        var deviations = new double[models];
        for (var m = 0; m < models; m++)
        {
            var mean = 0.0;
            foreach (var b in bounds) mean += b[m] * scale;
            mean /= bounds.Length;
            var squares = 0.0;
            foreach (var b in bounds) squares += (b[m] * scale - mean) * (b[m] * scale - mean);
            means[m] = mean;
            deviations[m] = bounds.Length > 1 ? Math.Sqrt(squares / (bounds.Length - 1)) : mean;
        }
        var perRemoval = bounds.Select(b => Math.Sqrt(b.Sum(x => x * x)) * scale).ToArray();
        Array.Sort(perRemoval);
        var high = perRemoval[Math.Max(0, (int)Math.Ceiling(0.95 * perRemoval.Length) - 1)];
        var (correct, logLoss) = Score(fit.Model, pilot.HeldOut);
        return new PilotMeasurement(candidate, pilot.ShardRows, pilot.Train.Rows, bounds.Length, means, deviations,
            perRemoval.Average(), high, pilot.HeldOut.Rows, correct, logLoss);
    }

    /// <summary>How many held-out rows the model labels right, and the sum of -ln p(label).</summary>
    public static (int Correct, double LogLoss) Score(CertifiedModel model, TrainingSet rows)
    {
        var probabilities = new double[rows.ClassCount];
        var correct = 0;
        var logLoss = 0.0;
        for (var i = 0; i < rows.Rows; i++)
        {
            model.Probabilities(rows.Row(i), probabilities);
            var best = 0;
            for (var c = 1; c < probabilities.Length; c++)
                if (probabilities[c] > probabilities[best]) best = c;
            if (best == rows.Labels[i]) correct++;
            logLoss -= Algebra.PortableMath.Log(Math.Max(probabilities[rows.Labels[i]], 1e-300));
        }
        return (correct, logLoss);
    }
}
