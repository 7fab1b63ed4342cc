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
            using var records = RecordStream.Open(parse.GetRequiredValue(file), csv.Limits(parse));
            var grain = await invocation.ModelAsync(parse.GetRequiredValue(model), ct);
            var config = await grain.GetConfig();
            var layout = ColumnLayout.ForSchema(records.Header, LabelColumn.Required, config.FeatureNames);

            IngestOutcome outcome = new(0, 0, 0);
            var id = parse.GetValue(ingestId) ?? Guid.NewGuid().ToString("N");
            await invocation.Progress.RunAsync("Ingesting", records, async advance =>
                outcome = await IngestAsync(grain, config, id, records, layout, advance, ct));
            invocation.Output.Ingested(config.Name, outcome.Accepted, outcome.Unchanged, outcome.Total);
        }));
        return command;
    }

    /// <summary>
    /// Stages each batch under <paramref name="ingestId"/> as soon as it is read and validated, then commits them all at
    /// once. Anything failing before the commit (a bad row, a refused record, the cluster) aborts the ingest: nothing of
    /// the file joins the model. A commit that the cluster decided but could not confirm completes by itself.
    /// </summary>
    internal static async Task<IngestOutcome> IngestAsync(
        IModelGrain grain, ModelConfig config, string ingestId, RecordStream records, ColumnLayout layout, Action advance, CancellationToken ct)
    {
        var sent = 0L;
        try
        {
            foreach (var batch in records.ReadBatches(layout, Batches.RowsFor(config.FeatureCount), config.Labels))
            {
                ct.ThrowIfCancellationRequested();
                await grain.StageIngest(ingestId, ToRecords(records.FileName, batch));
                sent += batch.Count;
                advance();
            }
        }
        catch (Exception error)
        {
            await AbortQuietlyAsync(grain, ingestId);
            if (error is CsvFormatException format) throw format.WithNote("nothing was ingested");
            throw;
        }

        var committed = await grain.CommitIngest(ingestId);
        return new IngestOutcome(committed.Accepted, sent - committed.Accepted, committed.TotalRecords);
    }

    /// <summary>Best effort, and brief: an ingest left staged expires on its own, and is never part of the model.</summary>
    private static async Task AbortQuietlyAsync(IModelGrain grain, string ingestId)
    {
        try
        {
            await grain.AbortIngest(ingestId).WaitAsync(TimeSpan.FromSeconds(10));
        }
        catch (Exception)
        {
            // The model expires what is staged and never committed.
        }
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

/// <summary>An ingest's result: records added, records the model already held as sent, and the model's records after.</summary>
internal sealed record IngestOutcome(long Accepted, long Unchanged, long Total);
