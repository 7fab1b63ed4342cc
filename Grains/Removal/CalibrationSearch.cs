using System.Globalization;
using Unlearning.Algebra;

namespace Unlearning.Removal;

/// <summary>What a <see cref="CalibrationSearch"/> chose, with what it measured to choose it.</summary>
/// <param name="ShardStepBounds">Per shard, what one single-record removal adds to the shard's bound on average at the chosen
/// setting: <see cref="RemovalProjection.Rate"/> of its <paramref name="ShardModelStepBounds"/> (0: not measured).</param>
/// <param name="ShardModelStepBounds">Per shard, per binary model, the mean bound of one single-record removal (empty: not measured).</param>
/// <param name="HeldOutAccuracy">The certified pilots' accuracy on the held-out rows of every shard, at the chosen setting.</param>
/// <param name="ExactHeldOutAccuracy">The same with noiseless pilots of the same lambda: what the noise costs is the difference.</param>
/// <param name="HighStepBound">The largest shard's 95th percentile of the bounds of its sampled records' removals.</param>
public sealed record CalibrationChoice(
    double Lambda, double Sigma, double[] ShardStepBounds, long Records, int HeldOutRows, double HeldOutAccuracy,
    double ExactHeldOutAccuracy, IReadOnlyList<CandidateSummary> Candidates, double HighStepBound, double[][] ShardModelStepBounds);

/// <summary>One candidate lambda: the sigma it needs, its held-out accuracy with that noise and without, and whether its sigma settled.</summary>
public sealed record CandidateSummary(double Lambda, double Sigma, double HeldOutAccuracy, double ExactHeldOutAccuracy, bool Settled);

/// <summary>
/// Chooses a certified model's sigma (and, from <see cref="LambdaGrid"/>, its lambda) for a number of single-record
/// removals per shard, from <see cref="PilotMeasurement"/>s of every shard, in rounds: the caller asks every shard to
/// measure the candidates of <see cref="NextRound"/> and hands the answers to <see cref="Record"/> until no round is left.
/// Round 0 fits noiseless pilots: their bounds give each lambda a first sigma, their accuracy the exact reference. Each
/// later round fits pilots with the noise of the sigma chosen so far; since noise moves the weights, and so the bounds,
/// sigma rises to what those pilots need until it covers them (settled), the need runs away (abandoned), or
/// <see cref="NoisyRounds"/> run out. Sigma is
/// the smallest value (two significant digits, rounded up) whose budget sigma*epsilon/c covers, for the shard that needs
/// most, <see cref="Margin"/> times the sum of N expected step bounds (each grown as n/(n-k) while the shard shrinks)
/// plus <see cref="Deviations"/> standard deviations of that sum: bounds of successive steps add up. Among the settled
/// lambdas the one whose noisy pilots label the held-out rows best wins (ties: lower log-loss, then smaller sigma).
/// Everything here is arithmetic on the measurements, so the choice is a function of the records and the config.
/// </summary>
public sealed class CalibrationSearch
{
    public static readonly double[] LambdaGrid = [1e-4, 1e-3, 1e-2, 1e-1];

    /// <summary>Slack for what a pilot cannot see: the real model's noise is another draw, and the shard changes.</summary>
    public const double Margin = 1.25;

    public const double Deviations = 3;

    public const int NoisyRounds = 3;

    /// <summary>A sigma has settled when the pilots fitted with its noise need at most this much more.</summary>
    public const double SettleRatio = 1.1;

    /// <summary>A lambda whose noisy pilots need more than this times the sigma they were fitted with is given up.</summary>
    public const double DivergenceRatio = 2;

    private readonly double[] _lambdas;
    private readonly int _removals;
    private readonly double _epsilon;
    private readonly double _delta;
    private readonly double[] _sigma;
    private readonly bool[] _settled;
    private readonly bool[] _abandoned;
    private readonly PilotMeasurement?[][] _exact;
    private readonly PilotMeasurement?[][] _noisy;
    private int _round;
    private int[] _asked = [];

    public CalibrationSearch(IReadOnlyList<double> lambdas, int removals, double epsilon, double delta)
    {
        if (lambdas.Count == 0 || lambdas.Any(l => !(double.IsFinite(l) && l > 0))) throw new ArgumentException("lambdas must be finite and > 0", nameof(lambdas));
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(removals);
        _ = new CertificationSettings(1, 1, epsilon, delta); // checks epsilon and delta
        _lambdas = [.. lambdas];
        _removals = removals;
        _epsilon = epsilon;
        _delta = delta;
        _sigma = new double[_lambdas.Length];
        _settled = new bool[_lambdas.Length];
        _abandoned = new bool[_lambdas.Length];
        _exact = new PilotMeasurement?[_lambdas.Length][];
        _noisy = new PilotMeasurement?[_lambdas.Length][];
    }

    public bool Done => _round > NoisyRounds || (_round > 0 && Enumerable.Range(0, _lambdas.Length).All(i => _settled[i] || _abandoned[i]));

    /// <summary>The candidates every shard must measure next; empty when the search is done.</summary>
    public IReadOnlyList<CalibrationCandidate> NextRound()
    {
        if (Done) return [];
        _asked = [.. Enumerable.Range(0, _lambdas.Length).Where(i => _round == 0 || !(_settled[i] || _abandoned[i]))];
        return [.. _asked.Select(i => new CalibrationCandidate(_lambdas[i], _round == 0 ? 0 : _sigma[i]))];
    }

    /// <param name="byShard">Each shard's measurements of <see cref="NextRound"/>'s candidates, in order (null: too few rows).</param>
    public void Record(IReadOnlyList<IReadOnlyList<PilotMeasurement?>> byShard)
    {
        if (Done) throw new InvalidOperationException("the search is done");
        if (byShard.Any(shard => shard.Count != _asked.Length)) throw new ArgumentException("one measurement per candidate and shard", nameof(byShard));
        if (byShard.All(shard => shard.All(m => m is null)))
            throw new InvalidOperationException($"no shard has the {PilotCalibration.MinShardRows} records a calibration needs; ingest more records");
        for (var c = 0; c < _asked.Length; c++)
        {
            var i = _asked[c];
            var measured = byShard.Select(shard => shard[c]).ToArray();
            var needed = SigmaFor(measured.Max(m => m is null ? 0 : RequiredResidual(m, _removals)), _epsilon, _delta);
            if (_round == 0)
            {
                _exact[i] = measured;
                _sigma[i] = needed;
                continue;
            }
            _noisy[i] = measured;
            // Within 10%: the pilots barely moved, and Margin covers that much; sigma still rises to what they need.
            if (needed <= SettleRatio * _sigma[i]) _settled[i] = true;
            // Noise that more than doubles what it must cover feeds on itself (more noise, larger weights, larger bounds):
            // that lambda is given up, not measured again.
            else if (needed > DivergenceRatio * _sigma[i]) _abandoned[i] = true;
            _sigma[i] = Math.Max(_sigma[i], needed);
        }
        _round++;
    }

    public CalibrationChoice Result()
    {
        if (!Done) throw new InvalidOperationException("the search is not done");
        var summaries = Enumerable.Range(0, _lambdas.Length).Select(i =>
            new CandidateSummary(_lambdas[i], _sigma[i], Accuracy(_noisy[i]!), Accuracy(_exact[i]!), _settled[i])).ToArray();
        // Unsettled sigmas were measured below the value they end with: chosen only when none settled.
        var pool = Enumerable.Range(0, _lambdas.Length).Where(i => _settled[i]).DefaultIfEmpty(-1).ToArray();
        if (pool[0] < 0) pool = [.. Enumerable.Range(0, _lambdas.Length)];
        var best = pool
            .OrderByDescending(i => summaries[i].HeldOutAccuracy)
            .ThenBy(i => LogLoss(_noisy[i]!))
            .ThenBy(i => _sigma[i])
            .ThenBy(i => i)
            .First();
        var noisy = _noisy[best]!;
        return new CalibrationChoice(_lambdas[best], _sigma[best], [.. noisy.Select(m => m is null ? 0 : RemovalProjection.Rate(m.MeanStepBounds))],
            noisy.Sum(m => (long)(m?.ShardRows ?? 0)), noisy.Sum(m => m?.HeldOutRows ?? 0),
            summaries[best].HeldOutAccuracy, summaries[best].ExactHeldOutAccuracy, summaries, noisy.Max(m => m?.HighStepBound ?? 0),
            [.. noisy.Select(m => m is null ? [] : (double[])m.MeanStepBounds.Clone())]);
    }

    private static double Accuracy(PilotMeasurement?[] shards)
    {
        var rows = shards.Sum(m => m?.HeldOutRows ?? 0);
        return rows == 0 ? 0 : (double)shards.Sum(m => m?.HeldOutCorrect ?? 0) / rows;
    }

    private static double LogLoss(PilotMeasurement?[] shards)
    {
        var rows = shards.Sum(m => m?.HeldOutRows ?? 0);
        return rows == 0 ? 0 : shards.Sum(m => m?.HeldOutLogLoss ?? 0) / rows;
    }

    /// <summary>
    /// The residual bound <paramref name="removals"/> single-record removals from the measured shard are planned to
    /// accumulate: per binary model, the sum of the expected step bounds (the k-th grown by n/(n-k)) plus
    /// <see cref="Deviations"/> standard deviations of that sum, times <see cref="Margin"/>; binary models in quadrature,
    /// as <see cref="CertifiedModel.ResidualBound"/> adds them.
    /// </summary>
    public static double RequiredResidual(PilotMeasurement measured, int removals)
    {
        ArgumentNullException.ThrowIfNull(measured);
        var n = measured.ShardRows;
        var steps = Math.Min(removals, n - 1);
        var growth = 0.0;
        for (var k = 0; k < steps; k++) growth += (double)n / (n - k);
        var total = 0.0;
        for (var m = 0; m < measured.MeanStepBounds.Length; m++)
        {
            var planned = Margin * (growth * measured.MeanStepBounds[m] + Deviations * Math.Sqrt(steps) * measured.StepBoundDeviations[m]);
            total += planned * planned;
        }
        return Math.Sqrt(total);
    }

    /// <summary>The smallest sigma, two significant digits rounded up, whose budget sigma*epsilon/c covers <paramref name="residual"/>.</summary>
    public static double SigmaFor(double residual, double epsilon, double delta)
    {
        var c = Math.Sqrt(2 * PortableMath.Log(1.5 / delta));
        return RoundUp(Math.Max(residual * c / epsilon, SmallestSigma));
    }

    /// <summary>Noise below this is no noise worth the name; a calibration never goes lower.</summary>
    public const double SmallestSigma = 1e-6;

    /// <summary>The smallest number of two significant digits at or above <paramref name="value"/>; parsed, so the same bits everywhere.</summary>
    public static double RoundUp(double value)
    {
        if (!(double.IsFinite(value) && value > 0)) throw new ArgumentOutOfRangeException(nameof(value), value, "must be finite and > 0");
        var exponent = 0;
        while (value >= PowerOfTen(exponent + 1)) exponent++;
        while (value < PowerOfTen(exponent)) exponent--;
        for (var digits = 10; digits < 100; digits++)
        {
            var candidate = double.Parse($"{digits}e{exponent - 1}", CultureInfo.InvariantCulture);
            if (candidate >= value) return candidate;
        }
        return PowerOfTen(exponent + 1);
    }

    private static double PowerOfTen(int exponent) => double.Parse($"1e{exponent}", CultureInfo.InvariantCulture);
}
