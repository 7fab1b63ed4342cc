using System.CommandLine;
using Unlearning.Cli.Output;
using Unlearning.Client.Csv;

namespace Unlearning.Cli.Commands;

internal static class ExplainCommand
{
    private const int DefaultTop = ClientLimits.DefaultTop;

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
            using var records = CsvSource.Open(parse.GetRequiredValue(file), csv.Limits(parse));
            IRowWriter<Explanation>? output = null;
            await invocation.Progress.RunAsync("Explaining", records, async () =>
            {
                await foreach (var batch in invocation.Client.ExplainAsync(parse.GetRequiredValue(model), records, parse.GetValue(top), ct))
                {
                    output ??= invocation.Output.Explanations(batch.Model);
                    output.Write(batch.Ids, batch.Explanations);
                }
            }, printsRows: true);
            output?.Complete();
        }));
        return command;
    }
}
