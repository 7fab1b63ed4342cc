using System.CommandLine;
using Unlearning.Client.Csv;

namespace Unlearning.Cli.Commands;

internal static class EvaluateCommand
{
    /// <summary>Files up to this many rows are evaluated in one call (one model version); larger ones in <see cref="Batches.Size"/> batches.</summary>
    public const int SingleCallRows = 100_000;

    /// <summary>The most feature values held for one call: wide rows lower <see cref="SingleCallRows"/>.</summary>
    public const int SingleCallValues = 4_000_000;

    public static Command Create(CliContext cli)
    {
        var model = CommandArguments.Model();
        var file = CommandArguments.File("Labelled CSV file to measure accuracy on");
        var csv = new CsvOptions();
        var command = new Command("evaluate", "Measure a model's accuracy on a labelled CSV file") { model, file };
        csv.AddTo(command);
        command.SetAction((parse, cancellationToken) => cli.RunAsync(parse, cancellationToken, async (invocation, ct) =>
        {
            using var records = RecordStream.Open(parse.GetRequiredValue(file), csv.Limits(parse));
            var grain = await invocation.ModelAsync(parse.GetRequiredValue(model), ct);
            var config = await grain.GetConfig();
            var layout = ColumnLayout.ForSchema(records.Header, LabelColumn.Required, config.FeatureNames);

            var results = new List<EvaluationResult>();
            await invocation.Progress.RunAsync("Evaluating", records, async advance =>
                results = await EvaluateAsync(grain, config, records.ReadBatches(layout, Batches.RowsFor(config.FeatureCount), config.Labels), advance, ct));
            invocation.Output.Evaluated(Combine(results));
        }));
        return command;
    }

    /// <summary>
    /// Holds batches until they pass <see cref="SingleCallRows"/> (or <see cref="SingleCallValues"/>): a file that ends first
    /// is evaluated in one call; past it, the held batches and every later one go one call each.
    /// </summary>
    private static async Task<List<EvaluationResult>> EvaluateAsync(
        IModelGrain grain, ModelConfig config, IEnumerable<RecordBatch> batches, Action advance, CancellationToken ct)
    {
        var singleCall = Math.Min(SingleCallRows, Math.Max(Batches.Size, SingleCallValues / config.FeatureCount));
        var held = new List<RecordBatch>();
        var results = new List<EvaluationResult>();
        foreach (var batch in batches)
        {
            ct.ThrowIfCancellationRequested();
            if (results.Count == 0 && held.Sum(b => b.Count) + batch.Count <= singleCall)
            {
                held.Add(batch);
                continue;
            }

            foreach (var earlier in held)
            {
                results.Add(await grain.Evaluate(earlier.Features, earlier.LabelIndices!));
                advance();
            }

            held.Clear();
            results.Add(await grain.Evaluate(batch.Features, batch.LabelIndices!));
            advance();
        }

        if (held.Count > 0)
        {
            results.Add(await grain.Evaluate([.. held.SelectMany(b => b.Features)], [.. held.SelectMany(b => b.LabelIndices!)]));
            advance();
        }

        return results;
    }

    /// <summary>Accuracy weighted by each batch's rows; the version is the last batch's, the shards used the fewest any batch used.</summary>
    internal static EvaluationResult Combine(IReadOnlyList<EvaluationResult> batches)
    {
        if (batches.Count == 1)
        {
            return batches[0];
        }

        var rows = batches.Sum(b => b.Rows);
        var correct = batches.Sum(b => b.Accuracy * b.Rows);
        return new EvaluationResult(batches[^1].Model, rows, rows == 0 ? 0 : correct / rows, batches[^1].Version, batches.Min(b => b.ShardsUsed));
    }
}
