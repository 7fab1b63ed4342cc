namespace Unlearning.Client;

/// <summary>
/// A model to create from a schema file (<see cref="IUnlearningClient.CreateModelAsync(ModelDefinition, Csv.CsvSource, CancellationToken)"/>):
/// its name and settings; the features and labels come from the file. The defaults are the CLI's.
/// </summary>
public sealed record ModelDefinition(string Name)
{
    /// <summary>Shards unless said otherwise.</summary>
    public const int DefaultShards = 8;

    /// <summary>Slices per shard unless said otherwise (exact models).</summary>
    public const int DefaultSlices = 2;

    /// <summary>Certified removal updates weights in place; it has no slice checkpoints to retrain from.</summary>
    public const int CertifiedSlices = 1;

    /// <summary>Independently trained sub-models (1 to <see cref="ModelLimits.MaxShards"/>).</summary>
    public int Shards { get; init; } = DefaultShards;

    /// <summary>Retraining checkpoints per shard (1 to <see cref="ModelLimits.MaxSlices"/>); null: <see cref="DefaultSlices"/>, or <see cref="CertifiedSlices"/> for certified models.</summary>
    public int? Slices { get; init; }

    /// <summary>
    /// L2 regularisation strength, finite and positive; null: <see cref="ModelConfig.DefaultLambda"/>, or for a certified
    /// model without <see cref="Sigma"/>, chosen by its calibration at the first train.
    /// </summary>
    public double? Lambda { get; init; }

    /// <summary>How shard predictions are combined.</summary>
    public EnsembleMode Ensemble { get; init; } = EnsembleMode.Average;

    /// <summary>Optimizer iteration limit per slice (1 to <see cref="ModelLimits.MaxIterations"/>).</summary>
    public int MaxIterations { get; init; } = ModelConfig.DefaultMaxIterations;

    /// <summary>How forgets are made: exact SISA retraining, or certified removal.</summary>
    public UnlearningMethod Method { get; init; } = UnlearningMethod.Exact;

    /// <summary>Certified removal's epsilon (&gt; 0; required for certified models, refused for others).</summary>
    public double? Epsilon { get; init; }

    /// <summary>Certified removal's delta (between 0 and 1; required for certified models, refused for others).</summary>
    public double? Delta { get; init; }

    /// <summary>
    /// Standard deviation of the training objective's noise (&gt; 0; certified models only); null: the first train
    /// chooses it for <see cref="Removals"/>.
    /// </summary>
    public double? Sigma { get; init; }

    /// <summary>
    /// Certified models without <see cref="Sigma"/>: the single-record removals each shard should absorb between exact
    /// retrains, which the first train chooses sigma for (1 to <see cref="ModelLimits.MaxRemovals"/>; null:
    /// <see cref="CertifiedOptions.DefaultRemovals"/>). Refused with <see cref="Sigma"/>.
    /// </summary>
    public int? Removals { get; init; }

    /// <summary>The config this definition makes with the schema's features, labels and (certified models) feature statistics.</summary>
    internal ModelConfig ToConfig(IReadOnlyList<string> features, string[] labels, Func<Csv.FeatureStatistics> statistics)
    {
        var certified = Method == UnlearningMethod.Certified;
        if (!certified && (Epsilon, Delta, Sigma, Removals) is not (null, null, null, null))
            throw new ArgumentException("Epsilon, Delta, Sigma and Removals apply only to certified models (Method = Certified)");
        if (Sigma is not null && Removals is not null)
            throw new ArgumentException("Removals and Sigma exclude each other: give Removals and the model chooses sigma for them, or Sigma");
        if (Removals is { } removals) ModelRules.Range(removals, 1, ModelLimits.MaxRemovals, nameof(Removals));
        if (certified && (Epsilon is null || Delta is null))
            throw new ArgumentException("a certified model (Method = Certified) requires Epsilon and Delta");
        if (certified && Slices is { } slices && slices != CertifiedSlices)
            throw new ArgumentException($"Slices must be {CertifiedSlices} for a certified model, not {slices}");
        if (certified && !(double.IsFinite(Epsilon!.Value) && Epsilon > 0)) throw new ArgumentException($"Epsilon must be a finite number > 0, not {Epsilon}");
        if (certified && !(Delta is > 0 and < 1)) throw new ArgumentException($"Delta must be strictly between 0 and 1, not {Delta}");
        if (certified && Sigma is { } sigma && !(double.IsFinite(sigma) && sigma > 0)) throw new ArgumentException($"Sigma must be a finite number > 0, not {sigma}");

        if (Lambda is { } lambda && !ModelLimits.IsValidLambda(lambda)) throw new ArgumentException($"Lambda must be a finite number > 0, not {lambda}");

        // A certified model without sigma is calibrated for its removals at the first train; lambda too, unless given.
        var calibrated = certified && Sigma is null;
        var chooseLambda = calibrated && Lambda is null;
        CertifiedOptions? options = null;
        if (certified)
        {
            var moments = statistics();
            options = new CertifiedOptions(Epsilon!.Value, Delta!.Value, Sigma ?? 0, moments.Centres, moments.Scales,
                Removals: calibrated ? Removals ?? CertifiedOptions.DefaultRemovals : 0, ChooseLambda: chooseLambda);
        }

        return ModelRules.Checked(new ModelConfig(Name, [.. features], labels, Shards, Slices ?? (certified ? CertifiedSlices : DefaultSlices),
            chooseLambda ? 0 : Lambda ?? ModelConfig.DefaultLambda, Ensemble, MaxIterations, Method, options));
    }
}
