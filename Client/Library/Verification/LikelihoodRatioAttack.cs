namespace Unlearning.Client.Verification;

/// <summary>
/// Carlini et al.'s likelihood-ratio attack (LiRA), offline variant, with the other shards as reference models.
/// The target is the owning shard, the only model that ever trained on the record: the ensemble averages it with
/// S - 1 models that never did, which dilutes its signal. The other shards are valid OUT references because
/// subjects are hashed to shards, so no other shard ever saw any of the subject's records, and each is trained
/// like the target, by the same learner on 1/S of the data, so together they sample how such a model scores
/// the record when it is not a member. That calibrates each record by its own difficulty. Caveats: there are
/// only S - 1 references, so the OUT spread is pooled across records; they share the population and learner
/// with the target but are no retrained copies of it; and the verdict is about the owning shard, not the
/// served ensemble.
/// </summary>
internal static class LikelihoodRatioAttack
{
    public const string Name = "lira-offline";

    /// <summary>
    /// Below this many references a record's own spread is too noisy an estimate and the pooled one is used,
    /// as the paper recommends for small numbers of shadow models.
    /// </summary>
    public const int MinReferencesForOwnSpread = 64;

    /// <summary>Spreads this small are degenerate: the references (nearly) agree, as when all are saturated.</summary>
    private const double DegenerateSpread = 1e-6;

    /// <summary>
    /// Per record, the one-sided statistic (φ_target - μ) / σ of the owning shard's logit confidence against a
    /// Gaussian fitted to the other shards' confidences: the higher, the more member-like. The upper-tail
    /// p-value LiRA reports is a decreasing function of it, so the two rank records alike.
    /// </summary>
    public static double[] Scores(IReadOnlyList<AuditRecord> records)
    {
        var count = records.Count;
        var targets = new double[count];
        var means = new double[count];
        var ownSpreads = new double[count];
        double pooledSquares = 0;
        long pooledFreedom = 0;
        for (var i = 0; i < count; i++)
        {
            var record = records[i];
            if (record.Shards.Length < 2) throw new ArgumentException($"record {i} has no other shard to compare with", nameof(records));
            targets[i] = Confidence.Logit(record.Shards[record.OwningShard], record.Label);

            // Welford's update over the references: no sum of squares to cancel.
            double mean = 0, squares = 0;
            var seen = 0;
            for (var k = 0; k < record.Shards.Length; k++)
            {
                if (k == record.OwningShard) continue;
                var value = Confidence.Logit(record.Shards[k], record.Label);
                seen++;
                var before = value - mean;
                mean += before / seen;
                squares += before * (value - mean);
            }
            means[i] = mean;
            ownSpreads[i] = seen >= MinReferencesForOwnSpread ? Math.Sqrt(squares / (seen - 1)) : 0;
            pooledSquares += squares;
            pooledFreedom += seen - 1;
        }

        // The pooled within-record spread: how far a reference strays from its record's mean. With one reference
        // per record there is none to pool; any constant σ then ranks records by φ_target - μ alike.
        var pooled = pooledFreedom > 0 ? Math.Sqrt(pooledSquares / pooledFreedom) : 0;
        if (!(pooled > DegenerateSpread)) pooled = 1;

        var scores = new double[count];
        for (var i = 0; i < count; i++)
        {
            var spread = ownSpreads[i] > DegenerateSpread ? ownSpreads[i] : pooled;
            scores[i] = (targets[i] - means[i]) / spread;
        }
        return scores;
    }
}
