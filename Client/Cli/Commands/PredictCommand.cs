using System.CommandLine;
using Unlearning.Cli.Output;
using Unlearning.Client.Csv;

namespace Unlearning.Cli.Commands;

internal static class PredictCommand
{
    public static Command Create(CliContext cli)
    {
        var model = CommandArguments.Model();
        var file = CommandArguments.File("CSV file of rows to predict (columns id and the features; a label column is ignored)");
        var csv = new CsvOptions();
        var command = new Command("predict", "Predict a label for each row of a CSV file") { model, file };
        csv.AddTo(command);
        command.SetAction((parse, cancellationToken) => cli.RunAsync(parse, cancellationToken, async (invocation, ct) =>
        {
            using var records = RecordStream.Open(parse.GetRequiredValue(file), csv.Limits(parse));
            var grain = await invocation.ModelAsync(parse.GetRequiredValue(model), ct);
            var config = await grain.GetConfig();
            var layout = ColumnLayout.ForSchema(records.Header, LabelColumn.Ignored, config.FeatureNames);

            var output = invocation.Output.Predictions(config);
            await invocation.Progress.RunAsync("Predicting", records, async advance =>
            {
                foreach (var batch in records.ReadBatches(layout, Batches.RowsFor(config.FeatureCount)))
                {
                    ct.ThrowIfCancellationRequested();
                    var answer = await grain.Predict(batch.Features);
                    Batches.CheckAnswered(answer.Predictions.Length, batch.Count, "predictions");
                    output.Write(batch.Ids, [.. answer.Predictions.Select(p => new AnsweredPrediction(p, answer.ShardsUsed.Length))]);
                    advance();
                }
            }, printsRows: true);
            output.Complete();
        }));
        return command;
    }
}
