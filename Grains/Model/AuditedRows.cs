using Unlearning.Learning;

namespace Unlearning.Model;

/// <summary>What a membership audit learns of rows: the ensemble's and each shard's class probabilities; no features, no ids.</summary>
internal static class AuditedRows
{
    public static void Check(AuditRows rows, ModelConfig config, int maxRows)
    {
        RecordValidation.CheckRows(rows.Features, config, maxRows);
        RecordValidation.CheckLabels(rows.Features.Length, rows.Labels, config);
        if (rows.Subjects.Length != rows.Features.Length)
            throw new ArgumentException($"{rows.Features.Length} rows but {rows.Subjects.Length} subjects");
        foreach (var subject in rows.Subjects) RecordValidation.CheckSubject(subject);
    }

    /// <param name="ensemble">The serving ensemble's members.</param>
    /// <param name="shards">Every shard's classifier in shard order; null for a shard with nothing to serve.</param>
    public static AuditedRow[] Predict(AuditRows rows, IReadOnlyList<IClassifier> ensemble, IReadOnlyList<IClassifier?> shards, ModelConfig config)
    {
        var answered = new AuditedRow[rows.Features.Length];
        var vote = config.Ensemble == EnsembleMode.Vote;
        for (var i = 0; i < answered.Length; i++)
        {
            var row = rows.Features[i];
            var combined = new double[config.ClassCount];
            Ensemble.Predict(ensemble, vote, row, combined);
            var perShard = shards.Select(shard =>
            {
                if (shard is null) return Array.Empty<double>();
                var probabilities = new double[config.ClassCount];
                shard.Probabilities(row, probabilities);
                return probabilities;
            }).ToArray();
            answered[i] = new AuditedRow(rows.Labels[i], combined, perShard, Partitioning.ShardOf(rows.Subjects[i], config.Shards));
        }
        return answered;
    }
}
