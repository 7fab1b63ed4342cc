using System.CommandLine;
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
        };
        lambda.Validators.Add(result =>
        {
            var value = result.GetValueOrDefault<double>();
            if (!double.IsFinite(value) || value < 0)
            {
                result.AddError($"--lambda must be a finite number >= 0, not {value}");
            }
        });
        var ensemble = new Option<EnsembleMode>("--ensemble")
        {
            Description = "How shard predictions are combined",
            HelpName = $"{EnsembleNames.Average}|{EnsembleNames.Vote}",
            DefaultValueFactory = _ => EnsembleMode.Average,
            CustomParser = result =>
            {
                var text = result.Tokens.Single().Value;
                var mode = EnsembleNames.Parse(text);
                if (mode is null)
                {
                    result.AddError($"--ensemble must be '{EnsembleNames.Average}' or '{EnsembleNames.Vote}', not '{text}'");
                }

                return mode.GetValueOrDefault();
            },
        };

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
                parse.GetValue(ensemble),
                parse.GetValue(maxIterations));
            var grain = await invocation.ModelAsync(config.Name, ct);
            invocation.Output.Created(await grain.Create(config));
        }));
        return command;
    }

    private static Option<int> AtLeastOne(string name, int defaultValue, string description)
    {
        var option = new Option<int>(name) { Description = description, DefaultValueFactory = _ => defaultValue };
        option.Validators.Add(result =>
        {
            var value = result.GetValueOrDefault<int>();
            if (value < 1)
            {
                result.AddError($"{name} must be at least 1, not {value}");
            }
        });
        return option;
    }
}
