using Unlearning.Client.Csv;

namespace Unlearning.Client.Operations;

/// <summary>
/// Accuracy over many rows. Batches are held until they pass <see cref="ClientLimits.SingleCallRows"/> (or
/// <see cref="ClientLimits.SingleCallValues"/>): an input that ends first is evaluated in one call, one model version;
/// past it, the held batches and every later one go one call each, and the results are combined.
/// </summary>
internal static class Evaluation
{
    public static Task<EvaluationResult> OfCsvAsync(IModelGrain grain, ModelConfig config, CsvSource source, CancellationToken ct)
    {
        var layout = ColumnLayout.ForSchema(source.Records.Header, LabelColumn.Required, config.FeatureNames);
        var batches = source.Records.ReadBatches(layout, Batches.RowsFor(config.FeatureCount), config.Labels)
            .Select(b => new Labelled(b.Features, b.LabelIndices!));
        return EvaluateAsync(grain, config.FeatureCount, batches, source, ct);
    }

    public static Task<EvaluationResult> OfRowsAsync(IModelGrain grain, double[][] rows, int[] labels, CancellationToken ct)
    {
        var features = rows[0].Length;
        var size = Batches.RowsFor(features);
        var batches = Enumerable.Range(0, (rows.Length + size - 1) / size)
            .Select(b => new Labelled(rows[(b * size)..Math.Min(rows.Length, (b + 1) * size)], labels[(b * size)..Math.Min(rows.Length, (b + 1) * size)]));
        return EvaluateAsync(grain, features, batches, null, ct);
    }

    private static async Task<EvaluationResult> EvaluateAsync(IModelGrain grain, int features, IEnumerable<Labelled> batches, CsvSource? source, CancellationToken ct)
    {
        var singleCall = Math.Min(ClientLimits.SingleCallRows, Math.Max(Batches.Size, ClientLimits.SingleCallValues / Math.Max(1, features)));
        var held = new List<Labelled>();
        var results = new List<EvaluationResult>();
        foreach (var batch in batches)
        {
            ct.ThrowIfCancellationRequested();
            if (results.Count == 0 && held.Sum(b => b.Rows.Length) + batch.Rows.Length <= singleCall)
            {
                held.Add(batch);
                continue;
            }

            foreach (var earlier in held)
            {
                results.Add(await grain.Evaluate(earlier.Rows, earlier.Labels));
                source?.Answered(earlier.Rows.Length);
            }

            held.Clear();
            results.Add(await grain.Evaluate(batch.Rows, batch.Labels));
            source?.Answered(batch.Rows.Length);
        }

        if (held.Count > 0)
        {
            results.Add(held.Count == 1
                ? await grain.Evaluate(held[0].Rows, held[0].Labels)
                : await grain.Evaluate([.. held.SelectMany(b => b.Rows)], [.. held.SelectMany(b => b.Labels)]));
            source?.Answered(held.Sum(b => b.Rows.Length));
        }

        return Combine(results);
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

    private sealed record Labelled(double[][] Rows, int[] Labels);
}
