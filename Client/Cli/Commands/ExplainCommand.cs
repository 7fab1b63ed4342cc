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
        var csv = new CsvOptions();
        var command = new Command("explain",
            "For each row of a CSV file, the training records (ids only) that most raise and most lower its predicted label's loss")
        {
            model, file, top,
        };
        csv.AddTo(command);
        command.SetAction((parse, cancellationToken) => cli.RunAsync(parse, cancellationToken, async (invocation, ct) =>
        {
            using var records = RecordStream.Open(parse.GetRequiredValue(file), csv.Limits(parse));
            var grain = await invocation.ModelAsync(parse.GetRequiredValue(model), ct);
            var config = await grain.GetConfig();
            var layout = ColumnLayout.ForSchema(records.Header, LabelColumn.Ignored, config.FeatureNames);
            var k = parse.GetValue(top);

            var output = invocation.Output.Explanations(config);
            await invocation.Progress.RunAsync("Explaining", records, async advance =>
            {
                foreach (var batch in records.ReadBatches(layout, Batches.RowsFor(config.FeatureCount, BatchSize)))
                {
                    ct.ThrowIfCancellationRequested();
                    var explanations = (await grain.Explain(batch.Features, k)).Rows;
                    Batches.CheckAnswered(explanations.Length, batch.Count, "explanations");
                    output.Write(batch.Ids, explanations);
                    advance();
                }
            }, printsRows: true);
            output.Complete();
        }));
        return command;
    }
}
