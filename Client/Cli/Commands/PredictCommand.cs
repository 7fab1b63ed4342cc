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

            var predictions = new List<Prediction>(rows.Count);
            await invocation.Progress.RunAsync("Predicting", rows.Count, Batches.Size, async advance =>
            {
                foreach (var range in Batches.Of(rows.Count))
                {
                    var batch = rows.Features[range];
                    var answer = await grain.Predict(batch);
                    if (answer.Predictions.Length != batch.Length)
                    {
                        throw new InvalidOperationException(
                            $"the cluster answered {answer.Predictions.Length} predictions for {batch.Length} rows");
                    }

                    predictions.AddRange(answer.Predictions);
                    advance(batch.Length);
                }
            });
            invocation.Output.Predicted(config, rows.Ids, predictions);
        }));
        return command;
    }
}
