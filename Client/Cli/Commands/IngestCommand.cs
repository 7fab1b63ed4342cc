using System.CommandLine;
using Unlearning.Client.Csv;

namespace Unlearning.Cli.Commands;

internal static class IngestCommand
{
    public static Command Create(CliContext cli)
    {
        var model = CommandArguments.Model();
        var file = CommandArguments.File("CSV file of records to add (columns id, optional subject, label and the features)");
        var command = new Command("ingest", "Add a CSV file's records to a model (all or nothing: the whole file is validated first)")
        {
            model, file,
        };
        command.SetAction((parse, cancellationToken) => cli.RunAsync(parse, cancellationToken, async (invocation, ct) =>
        {
            var table = CsvTable.Load(parse.GetRequiredValue(file));
            var grain = await invocation.ModelAsync(parse.GetRequiredValue(model), ct);
            var config = await grain.GetConfig();
            var records = ToRecords(RecordFile.Read(table, ColumnLayout.ForSchema(table, LabelColumn.Required, config.FeatureNames)), config);

            var accepted = 0;
            var total = 0L;
            await invocation.Progress.RunAsync("Ingesting", records.Length, Batches.Size, async advance =>
            {
                foreach (var range in Batches.Of(records.Length))
                {
                    var batch = records[range];
                    var result = await grain.Ingest(batch);
                    accepted += result.Accepted;
                    total = result.TotalRecords;
                    advance(batch.Length);
                }
            });
            invocation.Output.Ingested(config.Name, accepted, total);
        }));
        return command;
    }

    internal static DataRecord[] ToRecords(RecordFile file, ModelConfig config)
    {
        var labels = file.LabelIndices(config.Labels);
        var records = new DataRecord[file.Count];
        for (var i = 0; i < records.Length; i++)
        {
            records[i] = new DataRecord(file.Ids[i], file.Subjects[i], file.Features[i], labels[i]);
        }

        return records;
    }
}
