namespace Unlearning.Client.Verification;

/// <summary>
/// Runs the membership-inference attacks of an unlearning audit: each scores forgotten, retained and never-seen
/// (holdout) records; an AUC compares forgotten with holdout (the test) and retained with holdout (the control).
/// </summary>
internal static class MembershipAudit
{
    /// <summary>
    /// The loss-threshold and offline LiRA results, in that order. The seed fixes the bootstrap intervals; both
    /// attacks resample the same records, so their intervals are paired.
    /// </summary>
    public static IReadOnlyList<AttackResult> Run(
        IReadOnlyList<AuditRecord> forgotten,
        IReadOnlyList<AuditRecord> retained,
        IReadOnlyList<AuditRecord> holdout,
        int seed,
        int resamples = AucBootstrap.DefaultResamples)
    {
        var shards = Validate(forgotten, nameof(forgotten), null);
        Validate(retained, nameof(retained), shards);
        Validate(holdout, nameof(holdout), shards);

        // LiRA pools its reference spread over all three sets: the other shards are OUT references for every one.
        AuditRecord[] all = [.. forgotten, .. retained, .. holdout];
        var counts = (Forgotten: forgotten.Count, Retained: retained.Count, Holdout: holdout.Count);
        return
        [
            Evaluate(LossThresholdAttack.Name, Array.ConvertAll(all, LossThresholdAttack.Score), counts, seed, resamples),
            Evaluate(LikelihoodRatioAttack.Name, LikelihoodRatioAttack.Scores(all), counts, seed, resamples),
        ];
    }

    private static AttackResult Evaluate(
        string name, double[] scores, (int Forgotten, int Retained, int Holdout) counts, int seed, int resamples)
    {
        var forgotten = scores.AsSpan(0, counts.Forgotten);
        var retained = scores.AsSpan(counts.Forgotten, counts.Retained);
        var holdout = scores.AsSpan(counts.Forgotten + counts.Retained, counts.Holdout);
        var groups = TieGroups.Of(forgotten, holdout);
        var (low, high) = AucBootstrap.Interval95(groups, seed, resamples);
        return new AttackResult(name, groups.Auc(), Auc.Of(retained, holdout), low, high,
            counts.Forgotten, counts.Retained, counts.Holdout);
    }

    /// <returns>The shard count, which every record of every set must share.</returns>
    private static int Validate(IReadOnlyList<AuditRecord> records, string set, int? shardCount)
    {
        if (records.Count == 0) throw new ArgumentException($"no {set} records to audit", set);
        var shards = shardCount ?? records[0].Shards.Length;
        if (shards < 2) throw new ArgumentException($"LiRA needs at least 2 shards, the model has {shards}", set);
        for (var i = 0; i < records.Count; i++)
        {
            var record = records[i] ?? throw new ArgumentException($"{set} record {i} is null", set);
            var where = $"{set} record {i}";
            var classes = record.Ensemble.Length;
            if (record.Label < 0 || record.Label >= classes)
            {
                throw new ArgumentException($"{where}: label {record.Label} is not one of the {classes} classes", set);
            }
            if (record.Shards.Length != shards)
            {
                throw new ArgumentException($"{where} has {record.Shards.Length} shards' probabilities, not {shards}", set);
            }
            if (record.OwningShard < 0 || record.OwningShard >= shards)
            {
                throw new ArgumentException($"{where}: owning shard {record.OwningShard} is not one of the {shards}", set);
            }
            CheckProbabilities(record.Ensemble, classes, $"{where}'s ensemble", set);
            for (var k = 0; k < shards; k++) CheckProbabilities(record.Shards[k], classes, $"{where}'s shard {k}", set);
        }
        return shards;
    }

    private static void CheckProbabilities(double[]? probabilities, int classes, string what, string set)
    {
        if (probabilities is null || probabilities.Length != classes)
        {
            throw new ArgumentException($"{what} does not have {classes} class probabilities", set);
        }
        foreach (var p in probabilities)
        {
            if (!(p >= 0 && p <= 1)) throw new ArgumentException($"{what} has probability {p}, outside [0, 1]", set);
        }
    }
}
