namespace Unlearning.Model;

/// <summary>One shard's explanations of a batch, row for row (empty when it had nothing current to explain with).</summary>
internal sealed record ShardExplanations(int Shard, Explanation[] Rows);

/// <summary>
/// Merges the shards' explanations of a batch into the ensemble's: each record's score is scaled by its shard's
/// weight in the ensemble's average, and the top records per direction are kept, ties broken by record id so the
/// answer does not depend on which shard answered first.
/// </summary>
internal static class ExplanationMerge
{
    /// <param name="labels">The ensemble's predicted label per row.</param>
    /// <param name="shardWeight">Each member's share of the ensemble (1 / members).</param>
    public static Explanation[] Merge(int[] labels, IReadOnlyList<ShardExplanations> parts, double shardWeight, int top)
    {
        // A shard that sent nothing (retraining) contributes nothing: its records cannot be scored against weights it no longer serves.
        var scored = parts.Where(p => p.Rows.Length == labels.Length).ToArray();
        var merged = new Explanation[labels.Length];
        for (var i = 0; i < labels.Length; i++)
        {
            var row = i;
            RecordInfluence[] Scaled(Func<Explanation, RecordInfluence[]> side) => [.. scored.SelectMany(part =>
                side(part.Rows[row]).Select(r => r with { Shard = part.Shard, Score = r.Score * shardWeight }))];
            merged[i] = new Explanation(labels[i],
                [.. Scaled(e => e.Raising).OrderByDescending(r => r.Score).ThenBy(r => r.RecordId, StringComparer.Ordinal).Take(top)],
                [.. Scaled(e => e.Lowering).OrderBy(r => r.Score).ThenBy(r => r.RecordId, StringComparer.Ordinal).Take(top)]);
        }
        return merged;
    }
}
