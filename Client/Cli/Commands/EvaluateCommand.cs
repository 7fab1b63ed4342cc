using System.CommandLine;
using Unlearning.Client.Csv;

namespace Unlearning.Cli.Commands;

internal static class EvaluateCommand
{
    public static Command Create(CliContext cli)
    {
        var model = CommandArguments.Model();
        var file = CommandArguments.File("Labelled CSV file to measure accuracy on");
        var csv = new CsvOptions();
        var command = new Command("evaluate", "Measure a model's accuracy on a labelled CSV file") { model, file };
        csv.AddTo(command);
        command.SetAction((parse, cancellationToken) => cli.RunAsync(parse, cancellationToken, async (invocation, ct) =>
        {
            using var records = CsvSource.Open(parse.GetRequiredValue(file), csv.Limits(parse));
            EvaluationResult? result = null;
            await invocation.Progress.RunAsync("Evaluating", records, async () =>
                result = await invocation.Client.EvaluateAsync(parse.GetRequiredValue(model), records, ct));
            invocation.Output.Evaluated(result!);
        }));
        return command;
    }

}
