using System.CommandLine;
using Unlearning.Client.Csv;

namespace Unlearning.Cli.Commands;

internal static class IngestCommand
{
    public static Command Create(CliContext cli)
    {
        var model = CommandArguments.Model();
        var file = CommandArguments.File("CSV file of records to add (columns id, optional subject, label and the features)");
        var csv = new CsvOptions();
        var ingestId = new Option<string?>("--ingest-id")
        {
            Description = "Name the ingest (default: a new random id); sending the same file again under the same id resumes it",
            HelpName = "ID",
        };
        ingestId.Validators.Add(result =>
        {
            if (result.GetValueOrDefault<string?>() is { } id && !ModelLimits.IsValidId(id))
            {
                result.AddError($"--ingest-id must have 1 to {ModelLimits.MaxIdLength} characters");
            }
        });
        var command = new Command("ingest",
            "Add a CSV file's records to a model, all or nothing: batches are staged as the file is read and join the model " +
            "together once the whole file is in; a bad row (or any failure) leaves the model as it was")
        {
            model, file, ingestId,
        };
        csv.AddTo(command);
        command.SetAction((parse, cancellationToken) => cli.RunAsync(parse, cancellationToken, async (invocation, ct) =>
        {
            using var records = CsvSource.Open(parse.GetRequiredValue(file), csv.Limits(parse));
            IngestOutcome? outcome = null;
            await invocation.Progress.RunAsync("Ingesting", records, async () =>
                outcome = await invocation.Client.IngestAsync(parse.GetRequiredValue(model), records, parse.GetValue(ingestId), ct));
            invocation.Output.Ingested(outcome!.Model, outcome.Accepted, outcome.Unchanged, outcome.Records);
        }));
        return command;
    }

}
