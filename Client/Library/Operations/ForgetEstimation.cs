using Unlearning.Client.Csv;

namespace Unlearning.Client.Operations;

/// <summary>A forget dry run over many probe rows: sent in batches, each row's estimate kept for the one answer.</summary>
internal static class ForgetEstimation
{
    public static async Task<EstimatedForget> OfCsvAsync(IModelGrain grain, ModelConfig config, string subject, CsvSource probe, CancellationToken ct)
    {
        var layout = ColumnLayout.ForSchema(probe.Records.Header, LabelColumn.Ignored, config.FeatureNames);
        var ids = new List<string>();
        var estimates = new List<ForgetEstimate>();
        foreach (var batch in probe.Records.ReadBatches(layout, Batches.RowsFor(config.FeatureCount)))
        {
            ct.ThrowIfCancellationRequested();
            if (ids.Count + batch.Count > ClientLimits.MaxProbeRows)
            {
                throw new CsvFormatException(probe.Name, batch.Lines[ClientLimits.MaxProbeRows - ids.Count],
                    $"a probe may have at most {ClientLimits.MaxProbeRows:N0} rows (a dry run prints every row's estimate in one document); use a sample");
            }

            estimates.Add(Checked(await grain.EstimateForget(subject, batch.Features), batch.Count));
            ids.AddRange(batch.Ids);
            probe.Answered(batch.Count);
        }

        return new EstimatedForget(config, ids, Combine(estimates));
    }

    public static async Task<ForgetEstimate> OfRowsAsync(IModelGrain grain, string subject, double[][] probe, CancellationToken ct)
    {
        if (probe.Length > ClientLimits.MaxProbeRows)
            throw new ArgumentException($"a probe may have at most {ClientLimits.MaxProbeRows:N0} rows; use a sample", nameof(probe));
        var estimates = new List<ForgetEstimate>();
        foreach (var batch in probe.Chunk(Batches.RowsFor(probe[0].Length)))
        {
            ct.ThrowIfCancellationRequested();
            estimates.Add(Checked(await grain.EstimateForget(subject, batch), batch.Length));
        }

        return Combine(estimates);
    }

    private static ForgetEstimate Checked(ForgetEstimate estimate, int rows)
    {
        if (estimate.Before.Length != rows || estimate.After.Length != rows)
        {
            throw new InvalidOperationException(
                $"the cluster answered {estimate.Before.Length} predictions before and {estimate.After.Length} after for {rows} rows");
        }

        return estimate;
    }

    /// <summary>The batches' rows in order; the rest is the last batch's, as each batch answers for the same subject.</summary>
    internal static ForgetEstimate Combine(IReadOnlyList<ForgetEstimate> batches) => batches.Count == 1
        ? batches[0]
        : batches[^1] with
        {
            Before = [.. batches.SelectMany(b => b.Before)],
            After = [.. batches.SelectMany(b => b.After)],
        };
}
