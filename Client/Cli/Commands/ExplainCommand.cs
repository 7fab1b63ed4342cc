using System.CommandLine;
using Unlearning.Client.Csv;

namespace Unlearning.Cli.Commands;

internal static class ExplainCommand
{
    public const int DefaultTop = 5;

    /// <summary>The most rows explained in one call: each row costs a pass over every shard's records.</summary>
    public const int BatchSize = 1_000;

    public static Command Create(CliContext cli)
    {
        var model = CommandArguments.Model();
        var file = CommandArguments.File("CSV file of rows to explain (columns id and the features; a label column is ignored)");
        var top = new Option<int>("--top")
        {
            Description = "How many training records to name per direction and row",
            HelpName = "K",
            DefaultValueFactory = _ => DefaultTop,
            CustomParser = result => OptionParsing.Integer(result, "--top", $"an integer from 1 to {ModelLimits.MaxTop}", ModelLimits.IsValidTop),
        };
        var command = new Command("explain",
            "For each row of a CSV file, the training records (ids only) that most raise and most lower its predicted label's loss")
        {
            model, file, top,
        };
        command.SetAction((parse, cancellationToken) => cli.RunAsync(parse, cancellationToken, async (invocation, ct) =>
        {
            var table = CsvTable.Load(parse.GetRequiredValue(file));
            var grain = await invocation.ModelAsync(parse.GetRequiredValue(model), ct);
            var config = await grain.GetConfig();
            var rows = RecordFile.Read(table, ColumnLayout.ForSchema(table, LabelColumn.Ignored, config.FeatureNames));
            var k = parse.GetValue(top);

            List<Explanation> explanations = [];
            await invocation.Progress.RunAsync("Explaining", rows.Count, BatchSize, async advance =>
                explanations = await Batches.MapAsync(rows.Features, BatchSize,
                    async batch => (await grain.Explain(batch, k)).Rows, "explanations", advance));
            invocation.Output.Explained(config, rows.Ids, explanations);
        }));
        return command;
    }
}
