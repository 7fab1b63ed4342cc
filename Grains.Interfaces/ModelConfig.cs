namespace Unlearning;

/// <summary>How the aggregator combines the shards' class probabilities.</summary>
[GenerateSerializer, Alias("Unlearning.EnsembleMode")]
public enum EnsembleMode
{
    /// <summary>Mean of the shards' class probabilities.</summary>
    Average = 0,
    /// <summary>Each shard votes for its most probable class; probabilities are vote shares.</summary>
    Vote = 1,
}

/// <summary>How a model forgets.</summary>
[GenerateSerializer, Alias("Unlearning.UnlearningMethod")]
public enum UnlearningMethod
{
    /// <summary>SISA: retrain the owning shard from its last clean slice checkpoint; bit-identical to a fresh build.
    /// With one shard and one slice this is naive full retraining.</summary>
    Exact = 0,
    /// <summary>Certified removal (Guo et al. 2020): a Newton step with an (epsilon, delta) guarantee, exact retrain when the budget runs out.</summary>
    Certified = 1,
}

/// <summary>
/// Settings of certified removal. Rows are centred and scaled by the fixed vectors given here (null: unchanged)
/// and projected into the unit ball, a transform that depends on no record, so nothing forgotten survives in it.
/// <see cref="NoiseSeed"/>: leave it 0 and the model draws a secret noise key at create; a chosen seed is refused unless
/// the silo runs with a test-only option. Never returned: a config read back always says 0.
/// <para>
/// Sigma is either given (<see cref="Removals"/> 0) or chosen by the model: with <see cref="Removals"/> N &gt; 0 and
/// <see cref="Sigma"/> 0, the first train measures, on pilot fits of every shard's records, what single-record removals
/// spend and picks the smallest sigma whose budget covers N of them per shard; with <see cref="ChooseLambda"/> (and the
/// config's lambda 0) it also picks lambda from a small grid, by the held-out accuracy of pilots with the noise that lambda
/// needs. The chosen values replace the zeros and <see cref="Calibration"/> says what was measured; from then on they are
/// part of the config like any other setting (records ingested or forgotten later do not change them).
/// </para>
/// </summary>
[GenerateSerializer, Immutable, Alias("Unlearning.CertifiedOptions")]
public sealed record CertifiedOptions(
    [property: Id(0)] double Epsilon,
    [property: Id(1)] double Delta,
    [property: Id(2)] double Sigma,
    [property: Id(3)] double[]? FeatureCentres,
    [property: Id(4)] double[]? FeatureScales,
    [property: Id(5)] ulong NoiseSeed = 0,
    [property: Id(6)] int Removals = 0,
    [property: Id(7)] bool ChooseLambda = false,
    [property: Id(8)] CertifiedCalibration? Calibration = null)
{
    public const double DefaultSigma = 1.0;

    /// <summary>Removals per shard a certified model is calibrated for when neither sigma nor removals are given.</summary>
    public const int DefaultRemovals = 100;

    /// <summary>Sigma (and lambda, if it is to be chosen) still wait for the first train's calibration.</summary>
    public bool AwaitsCalibration => Removals > 0 && Calibration is null;
}

/// <summary>
/// What a certified model's calibration measured when it chose sigma (and lambda): on pilot fits of each shard's records,
/// the mean bound a single-record removal adds to each binary model's residual (<see cref="ShardModelStepBounds"/>, per
/// shard, scaled to the shard's rows) and their total in quadrature, what a removal adds to the shard's bound on average
/// (<see cref="ShardStepBounds"/>; <see cref="StepBound"/> is the largest; <see cref="HighStepBound"/>: the 95th percentile
/// of single removals' own bounds over the sampled records, for the shard where it is largest), and the accuracy of pilots
/// with the chosen noise and of noiseless pilots of the same lambda on held-out
/// rows of the training records (about one in five, never part of a pilot's fit): the difference is the noise's price.
/// <see cref="Candidates"/>: every lambda tried, with the sigma it needs and its accuracies.
/// </summary>
[GenerateSerializer, Immutable, Alias("Unlearning.CertifiedCalibration")]
public sealed record CertifiedCalibration(
    [property: Id(0)] long Records,
    [property: Id(1)] double StepBound,
    [property: Id(2)] double[] ShardStepBounds,
    [property: Id(3)] int HeldOutRows,
    [property: Id(4)] double HeldOutAccuracy,
    [property: Id(5)] double ExactHeldOutAccuracy,
    [property: Id(6)] CalibrationCandidateResult[] Candidates,
    [property: Id(7)] double HighStepBound = 0,
    [property: Id(8)] double[][]? ShardModelStepBounds = null)
{
    /// <summary>Held-out accuracy points the noise costs (exact minus certified; negative when the noise happened to help).</summary>
    public double AccuracyPrice => ExactHeldOutAccuracy - HeldOutAccuracy;
}

/// <summary>One lambda a calibration tried: the sigma it needs, held-out accuracy with that noise and without, and whether that sigma settled.</summary>
[GenerateSerializer, Immutable, Alias("Unlearning.CalibrationCandidateResult")]
public sealed record CalibrationCandidateResult(
    [property: Id(0)] double Lambda,
    [property: Id(1)] double Sigma,
    [property: Id(2)] double HeldOutAccuracy,
    [property: Id(3)] double ExactHeldOutAccuracy,
    [property: Id(4)] bool Settled);

/// <summary>Everything that, together with the set of records, determines a model's weights.</summary>
[GenerateSerializer, Immutable, Alias("Unlearning.ModelConfig")]
public sealed record ModelConfig(
    [property: Id(0)] string Name,
    [property: Id(1)] string[] FeatureNames,
    [property: Id(2)] string[] Labels,
    [property: Id(3)] int Shards,
    [property: Id(4)] int Slices,
    [property: Id(5)] double Lambda,
    [property: Id(6)] EnsembleMode Ensemble,
    [property: Id(7)] int MaxIterations,
    [property: Id(8)] UnlearningMethod Method = UnlearningMethod.Exact,
    [property: Id(9)] CertifiedOptions? Certified = null)
{
    public const double DefaultLambda = 1e-4;
    public const int DefaultMaxIterations = 1000;

    public int FeatureCount => FeatureNames.Length;
    public int ClassCount => Labels.Length;

    /// <summary>A forget on one shard of one slice retrains everything: the naive baseline.</summary>
    public bool IsFullRetrain => Method == UnlearningMethod.Exact && Shards == 1 && Slices == 1;
}
