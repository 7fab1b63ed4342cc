using Unlearning.Learning;

namespace Unlearning.Shard;

/// <summary>How a shard already holds a record that arrives again: with the same content or not, and staged by which ingest.</summary>
internal readonly record struct HeldCopy(bool SameContent, string? Ingest);

/// <summary>
/// A batch staged on a shard, split into records new to the shard and records it already holds exactly as sent,
/// committed or staged by this same ingest (a resent batch). A record held with other content, staged by another
/// ingest, or arriving in a concurrent batch fails the whole batch. Ids are unique per shard: the shard of a record
/// follows its subject, so an id reused for a subject of another shard is not seen here (see the README's "Input files").
/// </summary>
internal static class StagedBatch
{
    /// <param name="records">The batch, every record of which must belong to <paramref name="shard"/>.</param>
    /// <param name="ingestId">The ingest staging the batch.</param>
    /// <param name="config">The model's config: its name and shard count.</param>
    /// <param name="shard">The shard staging the batch.</param>
    /// <param name="arriving">Ids of a concurrent batch still being stored.</param>
    /// <param name="held">How the shard holds a record's id already, or null.</param>
    public static (DataRecord[] Fresh, int Unchanged) Classify(
        DataRecord[] records, string ingestId, ModelConfig config, int shard, IReadOnlySet<string> arriving, Func<DataRecord, HeldCopy?> held)
    {
        var conflicting = new List<string>();
        var elsewhere = new List<string>();
        var fresh = new List<DataRecord>(records.Length);
        var unchanged = 0;
        foreach (var record in records)
        {
            var owner = Partitioning.ShardOf(record.Subject, config.Shards);
            if (owner != shard)
                throw new ArgumentException($"record {Quoted.Value(record.Id)} belongs to shard {owner}, not {shard}");
            if (arriving.Contains(record.Id))
            {
                elsewhere.Add(record.Id);
            }
            else if (held(record) is { } copy)
            {
                if (copy.Ingest is not null && copy.Ingest != ingestId) elsewhere.Add(record.Id);
                else if (copy.SameContent) unchanged++;
                else conflicting.Add(record.Id);
            }
            else
            {
                fresh.Add(record);
            }
        }
        if (conflicting.Count > 0)
            throw new ArgumentException($"duplicate record ids already in model '{config.Name}' with other content: {Quoted.List(conflicting)}");
        if (elsewhere.Count > 0)
        {
            throw new ArgumentException(
                $"record ids being ingested by another ingest of model '{config.Name}' (wait for it, or abort it): {Quoted.List(elsewhere)}");
        }
        return ([.. fresh], unchanged);
    }
}
