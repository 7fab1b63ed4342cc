using Unlearning.Client.Csv;

namespace Unlearning.Client.Operations;

/// <summary>
/// Staged, all-or-nothing ingests: each batch is staged under the ingest id as soon as it is read and checked, then all
/// are committed at once. Anything failing before the commit (a bad row, a refused record, the cluster) aborts the ingest:
/// nothing of it joins the model. A commit that the cluster decided but could not confirm completes by itself.
/// </summary>
internal static class Ingestion
{
    public static async Task<IngestOutcome> FromCsvAsync(IModelGrain grain, ModelConfig config, string ingestId, CsvSource source, CancellationToken ct)
    {
        var records = source.Records;
        var layout = ColumnLayout.ForSchema(records.Header, LabelColumn.Required, config.FeatureNames);
        return await StagedAsync(grain, config, ingestId, Batches(records, layout, config), source, ct);

        static IEnumerable<DataRecord[]> Batches(RecordStream records, ColumnLayout layout, ModelConfig config) =>
            records.ReadBatches(layout, Client.Batches.RowsFor(config.FeatureCount), config.Labels).Select(batch => ToRecords(records.FileName, batch));
    }

    public static Task<IngestOutcome> FromRecordsAsync(IModelGrain grain, ModelConfig config, string ingestId, IEnumerable<DataRecord> records, CancellationToken ct) =>
        StagedAsync(grain, config, ingestId, Checked(records, config).Chunk(Client.Batches.RowsFor(config.FeatureCount)), null, ct);

    private static async Task<IngestOutcome> StagedAsync(
        IModelGrain grain, ModelConfig config, string ingestId, IEnumerable<DataRecord[]> batches, CsvSource? source, CancellationToken ct)
    {
        var sent = 0L;
        try
        {
            foreach (var batch in batches)
            {
                ct.ThrowIfCancellationRequested();
                await grain.StageIngest(ingestId, batch);
                sent += batch.Length;
                source?.Answered(batch.Length);
            }
        }
        catch (Exception error)
        {
            await AbortQuietlyAsync(grain, ingestId);
            if (error is CsvFormatException format) throw format.WithNote("nothing was ingested");
            if (error is ArgumentException argument) throw new ArgumentException($"{argument.Message}; nothing was ingested", argument);
            throw;
        }

        if (sent == 0) throw new ArgumentException("no records to ingest");
        var committed = await grain.CommitIngest(ingestId);
        return new IngestOutcome(config.Name, committed.Accepted, sent - committed.Accepted, committed.TotalRecords);
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

    /// <summary>Records in memory, checked as the rows of a file are: ids and subjects present and short enough, unique ids, the model's features (finite) and labels.</summary>
    private static IEnumerable<DataRecord> Checked(IEnumerable<DataRecord> records, ModelConfig config)
    {
        ArgumentNullException.ThrowIfNull(records);
        var ids = new HashSet<string>(StringComparer.Ordinal);
        var index = 0;
        foreach (var record in records)
        {
            string Problem(string what) => $"record {index} ({(record?.Id is { } id ? $"id {Quoted.Value(id)}" : "no id")}): {what}";
            if (record is null) throw new ArgumentException(Problem("is null"), nameof(records));
            if (!ModelLimits.IsValidId(record.Id)) throw new ArgumentException(Problem($"the id must have 1 to {ModelLimits.MaxIdLength} characters"), nameof(records));
            if (!ModelLimits.IsValidId(record.Subject)) throw new ArgumentException(Problem($"the subject must have 1 to {ModelLimits.MaxIdLength} characters"), nameof(records));
            if (!ids.Add(record.Id)) throw new ArgumentException(Problem("duplicate id"), nameof(records));
            if (record.Features is null || record.Features.Length != config.FeatureCount)
                throw new ArgumentException(Problem($"expected {config.FeatureCount} features, found {record.Features?.Length ?? 0}"), nameof(records));
            if (Array.FindIndex(record.Features, value => !double.IsFinite(value)) is var bad and >= 0)
                throw new ArgumentException(Problem($"feature {Quoted.Value(config.FeatureNames[bad])} is not a finite number"), nameof(records));
            if (record.Label < 0 || record.Label >= config.ClassCount)
                throw new ArgumentException(Problem($"label index {record.Label} is not one of the model's {config.ClassCount} labels"), nameof(records));
            index++;
            yield return record;
        }
    }
}
