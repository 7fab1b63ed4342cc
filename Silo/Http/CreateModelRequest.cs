using System.Text.Json;
using System.Text.Json.Serialization;
using Unlearning.Client;
using Unlearning.Client.Csv;

namespace Unlearning.Silo.Http;

/// <summary>
/// The body of <c>POST /v1/models/{model}</c>: the CLI's <c>create</c> options. The features and labels come from
/// <see cref="Schema"/>, CSV text read as the CLI reads its <c>--schema</c> file (for a certified model also each
/// feature's mean and spread), or are given as <see cref="Features"/> and <see cref="Labels"/>.
/// </summary>
internal sealed record CreateModelRequest(
    string? Schema = null,
    string[]? Features = null,
    string[]? Labels = null,
    int? Shards = null,
    int? Slices = null,
    double? Lambda = null,
    string? Ensemble = null,
    int? MaxIterations = null,
    string? Unlearning = null,
    double? Epsilon = null,
    double? Delta = null,
    double? Sigma = null,
    int? Removals = null)
{
    /// <summary>camelCase names; a property this record does not have is an error, not silently dropped.</summary>
    public static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web)
    {
        UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow,
        NumberHandling = JsonNumberHandling.Strict,
        MaxDepth = 8,
    };

    public static CreateModelRequest Parse(ReadOnlyMemory<byte> body) =>
        JsonSerializer.Deserialize<CreateModelRequest>(body.Span, Json)
        ?? throw ApiInputException.BadRequest("the body must be a JSON object of create options, not null");

    /// <summary>The model's configuration, checked as the CLI checks its options (the grain checks it again).</summary>
    public ModelConfig ToConfig(string model, CsvLimits limits)
    {
        var method = Unlearning is null ? UnlearningMethod.Exact
            : WireNames.ParseUnlearning(Unlearning) ?? throw Bad($"unlearning must be {WireNames.Alternatives<UnlearningMethod>(WireNames.Of)}, not {Quoted.Value(Unlearning)}");
        var ensemble = Ensemble is null ? EnsembleMode.Average
            : WireNames.ParseEnsemble(Ensemble) ?? throw Bad($"ensemble must be {WireNames.Alternatives<EnsembleMode>(WireNames.Of)}, not {Quoted.Value(Ensemble)}");
        var certified = method == UnlearningMethod.Certified;
        var shards = Bounded("shards", Shards, ModelDefinition.DefaultShards, ModelLimits.MaxShards);
        var slices = Bounded("slices", Slices, certified ? ModelDefinition.CertifiedSlices : ModelDefinition.DefaultSlices, ModelLimits.MaxSlices);
        var iterations = Bounded("maxIterations", MaxIterations, ModelConfig.DefaultMaxIterations, ModelLimits.MaxIterations);
        var lambda = Lambda ?? ModelConfig.DefaultLambda;
        if (!ModelLimits.IsValidLambda(lambda)) throw Bad($"lambda must be a finite number > 0, not {lambda}");
        CheckMethodOptions(certified, slices);
        // As the CLI's create: a certified model without sigma is calibrated for removals; lambda too, unless it was given.
        var calibrated = certified && Sigma is null;
        var chooseLambda = calibrated && Lambda is null;

        var (features, labels, schema) = FeaturesAndLabels(limits);
        CertifiedOptions? options = null;
        if (certified)
        {
            var statistics = schema?.Statistics();
            options = new CertifiedOptions(Epsilon!.Value, Delta!.Value, calibrated ? 0 : Sigma!.Value, statistics?.Centres, statistics?.Scales,
                Removals: calibrated ? Bounded("removals", Removals, CertifiedOptions.DefaultRemovals, ModelLimits.MaxRemovals) : 0,
                ChooseLambda: chooseLambda);
        }
        return new ModelConfig(model, features, labels, shards, slices, chooseLambda ? 0 : lambda, ensemble, iterations, method, options);
    }

    private void CheckMethodOptions(bool certified, int slices)
    {
        var certifiedName = WireNames.Of(UnlearningMethod.Certified);
        if (!certified)
        {
            var misplaced = new[] { ("epsilon", Epsilon), ("delta", Delta), ("sigma", Sigma), ("removals", (double?)Removals) }
                .Where(o => o.Item2 is not null).Select(o => o.Item1).ToArray();
            if (misplaced.Length > 0)
                throw Bad($"{string.Join(", ", misplaced)} {(misplaced.Length == 1 ? "applies" : "apply")} only with \"unlearning\": \"{certifiedName}\"");
            return;
        }

        var missing = new[] { ("epsilon", Epsilon), ("delta", Delta) }.Where(o => o.Item2 is null).Select(o => o.Item1).ToArray();
        if (missing.Length > 0)
            throw Bad($"\"unlearning\": \"{certifiedName}\" requires {string.Join(" and ", missing)}");
        if (Epsilon is not > 0 || !double.IsFinite(Epsilon.Value)) throw Bad($"epsilon must be a finite number > 0, not {Epsilon}");
        if (Delta is not (> 0 and < 1)) throw Bad($"delta must be a number strictly between 0 and 1, not {Delta}");
        if (Sigma is { } sigma && (!double.IsFinite(sigma) || sigma <= 0)) throw Bad($"sigma must be a finite number > 0, not {sigma}");
        if (Sigma is not null && Removals is not null)
            throw Bad("removals and sigma exclude each other: give removals and the model chooses sigma for them, or sigma");
        if (slices != ModelDefinition.CertifiedSlices)
            throw Bad($"slices must be {ModelDefinition.CertifiedSlices} with \"unlearning\": \"{certifiedName}\", not {slices}");
    }

    private (string[] Features, string[] Labels, SchemaFile? Schema) FeaturesAndLabels(CsvLimits limits)
    {
        if (Schema is not null)
        {
            if (Features is not null || Labels is not null)
                throw Bad("give either schema (CSV text) or features and labels, not both");
            using var records = RecordStream.Open(() => new StringReader(Schema), "schema", limits);
            var file = SchemaFile.Read(records);
            return ([.. file.FeatureNames], file.Labels, file);
        }

        if (Features is null || Labels is null)
            throw Bad("give schema (CSV text with a header, a label column and some rows, like the CLI's --schema file), or features and labels");
        return (Features, Labels, null);
    }

    private static int Bounded(string name, int? value, int defaultValue, int max) => value switch
    {
        null => defaultValue,
        >= 1 when value <= max => value.Value,
        _ => throw Bad($"{name} must be an integer from 1 to {max}, not {value}"),
    };

    private static ApiInputException Bad(string message) => ApiInputException.BadRequest(message);
}

/// <summary>The body of <c>POST /v1/models/{model}/forget</c>.</summary>
internal sealed record ForgetRequest(string? Subject = null)
{
    public static string SubjectOf(ReadOnlyMemory<byte> body)
    {
        var request = JsonSerializer.Deserialize<ForgetRequest>(body.Span, CreateModelRequest.Json);
        return request?.Subject switch
        {
            null or "" => throw ApiInputException.BadRequest("the body must name the subject: {\"subject\": \"...\"}"),
            { } subject when !ModelLimits.IsValidId(subject) =>
                throw ApiInputException.BadRequest($"subject must have at most {ModelLimits.MaxIdLength} characters"),
            { } subject => subject,
        };
    }
}
