namespace Unlearning.Client;

/// <summary>What the client checks before it sends: the bounds of <see cref="ModelLimits"/>, with errors naming the setting.</summary>
internal static class ModelRules
{
    public static string Name(string model)
    {
        if (string.IsNullOrWhiteSpace(model)) throw new ArgumentException("the model name must not be empty", nameof(model));
        if (!ModelLimits.IsValidName(model)) throw new ArgumentException($"invalid model name {Quoted.Value(model)}: use {ModelLimits.NameRule}", nameof(model));
        return model;
    }

    public static string Id(string value, string what)
    {
        if (string.IsNullOrEmpty(value)) throw new ArgumentException($"{what} must not be empty", what);
        if (!ModelLimits.IsValidId(value))
            throw new ArgumentException($"{what} must have at most {ModelLimits.MaxIdLength} characters, not {Quoted.Value(value)}", what);
        return value;
    }

    public static ModelConfig Checked(ModelConfig config)
    {
        Name(config.Name);
        Range(config.Shards, 1, ModelLimits.MaxShards, nameof(config.Shards));
        Range(config.Slices, 1, ModelLimits.MaxSlices, nameof(config.Slices));
        Range(config.MaxIterations, 1, ModelLimits.MaxIterations, nameof(config.MaxIterations));
        if (!ModelLimits.IsValidLambda(config.Lambda) && !(config.Certified is { ChooseLambda: true } && config.Lambda == 0)) throw new ArgumentException($"Lambda must be a finite number > 0, not {config.Lambda}");
        if (config.FeatureNames is not { Length: > 0 }) throw new ArgumentException("a model needs at least one feature");
        if (config.Labels is not { Length: > 0 }) throw new ArgumentException("a model needs at least one label");
        if (config.FeatureNames.Distinct(StringComparer.Ordinal).Count() != config.FeatureNames.Length)
            throw new ArgumentException("the feature names must be distinct");
        if (config.Labels.Distinct(StringComparer.Ordinal).Count() != config.Labels.Length)
            throw new ArgumentException("the labels must be distinct");
        return config;
    }

    public static int Range(int value, int min, int max, string what) => value >= min && value <= max
        ? value
        : throw new ArgumentOutOfRangeException(what, value, $"{what} must be an integer from {min} to {max}, not {value}");
}
