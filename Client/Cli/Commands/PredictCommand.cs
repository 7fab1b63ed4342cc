using System.CommandLine;
using Unlearning.Client.Csv;

namespace Unlearning.Cli.Commands;

internal static class PredictCommand
{
    public static Command Create(CliContext cli)
    {
        var model = CommandArguments.Model();
        var file = CommandArguments.File("CSV file of rows to predict (columns id and the features; a label column is ignored)");
        var command = new Command("predict", "Predict a label for each row of a CSV file") { model, file };
        command.SetAction((parse, cancellationToken) => cli.RunAsync(parse, cancellationToken, async (invocation, ct) =>
        {
            var table = CsvTable.Load(parse.GetRequiredValue(file));
            var grain = await invocation.ModelAsync(parse.GetRequiredValue(model), ct);
            var config = await grain.GetConfig();
            var rows = RecordFile.Read(table, ColumnLayout.ForSchema(table, LabelColumn.Ignored, config.FeatureNames));

            List<Prediction> predictions = [];
            await invocation.Progress.RunAsync("Predicting", rows.Count, Batches.Size, async advance =>
                predictions = await Batches.MapAsync(rows.Features, Batches.Size,
                    async batch => (await grain.Predict(batch)).Predictions, "predictions", advance));
            invocation.Output.Predicted(config, rows.Ids, predictions);
        }));
        return command;
    }
}
