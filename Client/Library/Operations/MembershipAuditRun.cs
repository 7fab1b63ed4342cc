using Unlearning.Client.Csv;
using Unlearning.Client.Verification;

namespace Unlearning.Client.Operations;

/// <summary>verify --forgotten --holdout: the model's answers on both files and on records it holds, then the attacks, client-side.</summary>
internal static class MembershipAuditRun
{
    public static async Task<MembershipAuditReport> RunAsync(
        IModelGrain grain, ModelConfig config, CsvSource forgotten, CsvSource holdout, int retained, int seed)
    {
        var answers = await grain.AuditPredictions(Read(forgotten, config), Read(holdout, config), retained);
        var results = MembershipAudit.Run(Records(answers.Forgotten), Records(answers.Retained), Records(answers.Holdout), seed);
        return new MembershipAuditReport(config.Name, results, Verdict.Summarize(results));
    }

    /// <summary>A whole audit file, checked as every file is; at most <see cref="ClientLimits.MaxAuditRows"/> rows.</summary>
    private static AuditRows Read(CsvSource source, ModelConfig config)
    {
        var records = source.Records;
        var layout = ColumnLayout.ForSchema(records.Header, LabelColumn.Required, config.FeatureNames);
        var batches = records.ReadBatches(layout, Batches.RowsFor(config.FeatureCount), config.Labels).ToList();
        var count = batches.Sum(b => b.Count);
        if (count > ClientLimits.MaxAuditRows)
            throw new InvalidOperationException($"{records.FileName} has more than {ClientLimits.MaxAuditRows:N0} rows: an audit needs far fewer; sample them");
        if (count == 0) throw new InvalidOperationException($"{records.FileName} has no rows to audit");
        return new AuditRows([.. batches.SelectMany(b => b.Features)], [.. batches.SelectMany(b => b.LabelIndices!)], [.. batches.SelectMany(b => b.Subjects)]);
    }

    private static AuditRecord[] Records(AuditedRow[] rows)
    {
        if (rows.FirstOrDefault(r => r.Shards.Any(s => s.Length == 0)) is not null)
            throw new InvalidOperationException("a shard has no weights to serve now (retraining after a forget?): audit once every shard serves");
        return [.. rows.Select(r => new AuditRecord(r.Label, r.Ensemble, r.Shards, r.OwningShard))];
    }
}
