using Unlearning.Removal;

namespace Unlearning.Model;

internal static class ConfigValidation
{
    public static void Validate(ModelConfig config, string modelName)
    {
        if (!ModelLimits.IsValidName(modelName))
            throw new ArgumentException($"invalid model name {Quoted.Value(modelName)}: use {ModelLimits.NameRule}");
        if (!string.Equals(config.Name, modelName, StringComparison.Ordinal))
            throw new ArgumentException($"config names model {Quoted.Value(config.Name)} but was sent to model '{modelName}'");
        if (config.FeatureNames is not { Length: > 0 })
            throw new ArgumentException("a model needs at least one feature column");
        RequireDistinct(config.FeatureNames, "feature");
        if (config.FeatureNames.Any(name => string.IsNullOrWhiteSpace(name) || name is "id" or "subject" or "label"))
            throw new ArgumentException("feature names must be non-empty and not 'id', 'subject' or 'label'");
        if (config.Labels is not { Length: >= 2 })
            throw new ArgumentException($"a classifier needs at least two labels, the schema has {config.Labels?.Length ?? 0}");
        RequireDistinct(config.Labels, "label");
        if (config.Shards is < 1 or > ModelLimits.MaxShards)
            throw new ArgumentException($"shards must be between 1 and {ModelLimits.MaxShards}, not {config.Shards}");
        if (config.Slices is < 1 or > ModelLimits.MaxSlices)
            throw new ArgumentException($"slices must be between 1 and {ModelLimits.MaxSlices}, not {config.Slices}");
        // A certified model whose calibration will choose lambda says 0 until then.
        if (!ModelLimits.IsValidLambda(config.Lambda) && !(config.Certified is { ChooseLambda: true } && config.Lambda == 0))
            throw new ArgumentException($"lambda must be a positive number, not {config.Lambda}");
        if (config.MaxIterations is < 1 or > ModelLimits.MaxIterations)
            throw new ArgumentException($"max iterations must be between 1 and {ModelLimits.MaxIterations}, not {config.MaxIterations}");
        if (!Enum.IsDefined(config.Ensemble))
            throw new ArgumentException($"unknown ensemble mode {config.Ensemble}");
        if (!Enum.IsDefined(config.Method))
            throw new ArgumentException($"unknown unlearning method {config.Method}");
        if (config.Method == UnlearningMethod.Certified) ValidateCertified(config);
        else if (config.Certified is not null)
            throw new ArgumentException("certified-removal settings (epsilon, delta, sigma) apply only to certified models");
    }

    private static void ValidateCertified(ModelConfig config)
    {
        if (config.Certified is not { } certified)
            throw new ArgumentException("a certified model needs epsilon, delta and sigma");
        if (config.Slices != 1)
            throw new ArgumentException($"certified models train each shard as one slice; slices must be 1, not {config.Slices}");
        if (certified.Calibration is not null)
            throw new ArgumentException("a calibration is what the model measures at its first train; it cannot be given");
        if (certified.Removals != 0)
        {
            if (!ModelLimits.IsValidRemovals(certified.Removals))
                throw new ArgumentException($"removals must be between 1 and {ModelLimits.MaxRemovals}, not {certified.Removals}");
            if (certified.Sigma != 0)
                throw new ArgumentException("give removals (the model chooses sigma for them) or sigma, not both; sigma must be 0 with removals");
            if (certified.ChooseLambda && config.Lambda != 0)
                throw new ArgumentException($"lambda is chosen by the calibration; it must be 0 until then, not {config.Lambda}");
            // Checks epsilon and delta; sigma and lambda wait for the calibration.
            _ = new CertificationSettings(1, 1, certified.Epsilon, certified.Delta);
        }
        else
        {
            if (certified.ChooseLambda)
                throw new ArgumentException("lambda is chosen only by a calibration for a number of removals");
            // Throws ArgumentException (or ArgumentOutOfRangeException) naming what is wrong.
            _ = CertifiedConfig.Settings(config);
        }
        _ = CertifiedConfig.Transform(config);
    }

    private static void RequireDistinct(string[] names, string what)
    {
        var duplicates = names.GroupBy(n => n, StringComparer.Ordinal).Where(g => g.Count() > 1).Select(g => Quoted.Value(g.Key)).ToArray();
        if (duplicates.Length > 0)
            throw new ArgumentException($"duplicate {what} names: {string.Join(", ", duplicates.Take(5))}");
    }

    /// <summary>The config as the model stores it and a client may read it back: with no trace of a noise seed.</summary>
    public static ModelConfig AsStored(ModelConfig config) =>
        config.Certified is { } certified ? config with { Certified = certified with { NoiseSeed = 0 } } : config;

    /// <summary>Whether <paramref name="requested"/> asks for the model <paramref name="stored"/> describes, value for value.</summary>
    public static bool SameRequest(ModelConfig stored, ModelConfig requested) =>
        System.Text.Json.JsonSerializer.Serialize(stored) == System.Text.Json.JsonSerializer.Serialize(AsStored(requested));
}
