using System.CommandLine;
using Unlearning.Client.Csv;

namespace Unlearning.Cli.Commands;

internal static class EvaluateCommand
{
    /// <summary>Files up to this many rows are evaluated in one call; larger ones in <see cref="Batches.Size"/> batches.</summary>
    public const int SingleCallRows = 100_000;

    public static Command Create(CliContext cli)
    {
        var model = CommandArguments.Model();
        var file = CommandArguments.File("Labelled CSV file to measure accuracy on");
        var command = new Command("evaluate", "Measure a model's accuracy on a labelled CSV file") { model, file };
        command.SetAction((parse, cancellationToken) => cli.RunAsync(parse, cancellationToken, async (invocation, ct) =>
        {
            var table = CsvTable.Load(parse.GetRequiredValue(file));
            var grain = await invocation.ModelAsync(parse.GetRequiredValue(model), ct);
            var config = await grain.GetConfig();
            var rows = RecordFile.Read(table, ColumnLayout.ForSchema(table, LabelColumn.Required, config.FeatureNames));
            var labels = rows.LabelIndices(config.Labels);

            var batchSize = rows.Count <= SingleCallRows ? rows.Count : Batches.Size;
            var results = new List<EvaluationResult>();
            await invocation.Progress.RunAsync("Evaluating", rows.Count, batchSize, advance =>
                Batches.EachAsync(rows.Count, batchSize,
                    async range => results.Add(await grain.Evaluate(rows.Features[range], labels[range])), advance));
            invocation.Output.Evaluated(Combine(results));
        }));
        return command;
    }

    /// <summary>Accuracy weighted by each batch's rows; the version is the last batch's.</summary>
    internal static EvaluationResult Combine(IReadOnlyList<EvaluationResult> batches)
    {
        if (batches.Count == 1)
        {
            return batches[0];
        }

        var rows = batches.Sum(b => b.Rows);
        var correct = batches.Sum(b => b.Accuracy * b.Rows);
        return new EvaluationResult(batches[^1].Model, rows, rows == 0 ? 0 : correct / rows, batches[^1].Version);
    }
}
