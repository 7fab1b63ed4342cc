using System.CommandLine;
using System.CommandLine.Parsing;
using System.Globalization;
using Unlearning.Client.Csv;

namespace Unlearning.Client.Commands;

internal static class CreateCommand
{
    public const int DefaultShards = 8;
    public const int DefaultSlices = 4;

    public static Command Create(CliContext cli)
    {
        var model = CommandArguments.Model();
        var schema = new Option<string>("--schema")
        {
            Description = "A CSV file: its header gives the features, its label column the labels",
            HelpName = "FILE",
            Required = true,
        };
        var shards = AtLeastOne("--shards", DefaultShards, "Number of shards (independently trained sub-models)");
        var slices = AtLeastOne("--slices", DefaultSlices, "Number of slices per shard (retraining checkpoints)");
        var maxIterations = AtLeastOne("--max-iterations", ModelConfig.DefaultMaxIterations, "Optimizer iteration limit per slice");
        var lambda = new Option<double>("--lambda")
        {
            Description = "L2 regularization strength",
            DefaultValueFactory = _ => ModelConfig.DefaultLambda,
            CustomParser = result => Parse(result, "--lambda", "a finite number >= 0",
                (string text, out double value) =>
                    double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out value)
                    && double.IsFinite(value) && value >= 0),
        };
        var ensemble = new Option<string>("--ensemble")
        {
            Description = "How shard predictions are combined",
            HelpName = $"{EnsembleNames.Average}|{EnsembleNames.Vote}",
            DefaultValueFactory = _ => EnsembleNames.Average,
        };
        ensemble.Validators.Add(result =>
        {
            var text = result.GetValueOrDefault<string>();
            if (EnsembleNames.Parse(text) is null)
            {
                result.AddError($"--ensemble must be '{EnsembleNames.Average}' or '{EnsembleNames.Vote}', not '{text}'");
            }
        });

        var command = new Command("create", "Create a model whose features and labels come from a CSV file")
        {
            model, schema, shards, slices, lambda, ensemble, maxIterations,
        };
        command.SetAction((parse, cancellationToken) => cli.RunAsync(parse, cancellationToken, async (invocation, ct) =>
        {
            var table = CsvTable.Load(parse.GetRequiredValue(schema));
            var file = RecordFile.Read(table, ColumnLayout.FromHeader(table, LabelColumn.Required));
            var config = new ModelConfig(
                parse.GetRequiredValue(model),
                [.. file.FeatureNames],
                file.DistinctLabels(),
                parse.GetValue(shards),
                parse.GetValue(slices),
                parse.GetValue(lambda),
                EnsembleNames.Parse(parse.GetRequiredValue(ensemble))!.Value,
                parse.GetValue(maxIterations));
            var grain = await invocation.ModelAsync(config.Name, ct);
            invocation.Output.Created(await grain.Create(config));
        }));
        return command;
    }

    private static Option<int> AtLeastOne(string name, int defaultValue, string description) => new(name)
    {
        Description = description,
        DefaultValueFactory = _ => defaultValue,
        CustomParser = result => Parse(result, name, "an integer of at least 1",
            (string text, out int value) =>
                int.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out value) && value >= 1),
    };

    private delegate bool TryParse<T>(string text, out T value);

    // A custom parser rather than a validator: validators also run on values that failed to convert, and then throw.
    private static T Parse<T>(ArgumentResult result, string option, string expected, TryParse<T> tryParse)
    {
        var text = result.Tokens.Count == 1 ? result.Tokens[0].Value : string.Join(" ", result.Tokens);
        if (!tryParse(text, out var value))
        {
            result.AddError($"{option} must be {expected}, not '{text}'");
        }

        return value;
    }
}
