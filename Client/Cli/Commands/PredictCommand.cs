using System.CommandLine;
using Unlearning.Cli.Output;
using Unlearning.Client.Csv;
using Unlearning.Client.Json;

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
            using var records = CsvSource.Open(parse.GetRequiredValue(file), csv.Limits(parse));
            IRowWriter<AnsweredPrediction>? output = null;
            await invocation.Progress.RunAsync("Predicting", records, async () =>
            {
                await foreach (var batch in invocation.Client.PredictAsync(parse.GetRequiredValue(model), records, ct))
                {
                    output ??= invocation.Output.Predictions(batch.Model);
                    output.Write(batch.Ids, [.. batch.Predictions.Select(p => new AnsweredPrediction(p, batch.ShardsUsed))]);
                }
            }, printsRows: true);
            output?.Complete();
        }));
        return command;
    }
}
