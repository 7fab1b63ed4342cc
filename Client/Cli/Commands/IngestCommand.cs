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
        var command = new Command("ingest",
            "Add a CSV file's records to a model, a batch at a time as the file is read: a bad row stops the command, " +
            "and the batches before it stay ingested (the error says how many rows they held)")
        {
            model, file,
        };
        csv.AddTo(command);
        command.SetAction((parse, cancellationToken) => cli.RunAsync(parse, cancellationToken, async (invocation, ct) =>
        {
            using var records = RecordStream.Open(parse.GetRequiredValue(file), csv.Limits(parse));
            var grain = await invocation.ModelAsync(parse.GetRequiredValue(model), ct);
            var config = await grain.GetConfig();
            var layout = ColumnLayout.ForSchema(records.Header, LabelColumn.Required, config.FeatureNames);

            var (accepted, total) = (0L, 0L);
            await invocation.Progress.RunAsync("Ingesting", records, async advance =>
                (accepted, total) = await IngestAsync(grain, config, records, layout, advance, ct));
            invocation.Output.Ingested(config.Name, accepted, total);
        }));
        return command;
    }

    /// <summary>
    /// Sends each batch as soon as it is read and validated, and returns the rows the model accepted and the records it
    /// then holds. A bad row stops the loop: the batches before it stay ingested, and the error says how many rows they held.
    /// </summary>
    internal static async Task<(long Accepted, long Total)> IngestAsync(
        IModelGrain grain, ModelConfig config, RecordStream records, ColumnLayout layout, Action advance, CancellationToken ct)
    {
        var (accepted, total, sent) = (0L, 0L, 0L);
        try
        {
            foreach (var batch in records.ReadBatches(layout, Batches.RowsFor(config.FeatureCount), config.Labels))
            {
                ct.ThrowIfCancellationRequested();
                var result = await grain.Ingest(ToRecords(records.FileName, batch));
                (accepted, total, sent) = (accepted + result.Accepted, result.TotalRecords, sent + batch.Count);
                advance();
            }
        }
        catch (CsvFormatException e)
        {
            throw e.WithNote(sent switch
            {
                0 => "nothing was ingested",
                1 => "1 row was ingested before this line",
                _ => $"{sent:N0} rows were ingested before this line",
            });
        }

        return (accepted, total);
    }

    /// <summary>The batch's rows as records; ids and subjects longer than the cluster takes are refused here, naming their line.</summary>
    internal static DataRecord[] ToRecords(string fileName, RecordBatch batch)
    {
        var records = new DataRecord[batch.Count];
        for (var i = 0; i < records.Length; i++)
        {
            var (id, subject) = (batch.Ids[i], batch.Subjects[i]);
            if (!ModelLimits.IsValidId(id) || !ModelLimits.IsValidId(subject))
            {
                var (column, value) = ModelLimits.IsValidId(id) ? (ReservedColumns.Subject, subject) : (ReservedColumns.Id, id);
                throw new CsvFormatException(fileName, batch.Lines[i], column,
                    $"{Quoted.Value(value)} is longer than {ModelLimits.MaxIdLength} characters, the most an id or subject may have");
            }

            records[i] = new DataRecord(id, subject, batch.Features[i], batch.LabelIndices![i]);
        }

        return records;
    }
}
