namespace Unlearning.Shard;

/// <summary>What a learner reads of a shard's records, in the grain's turn: the records by slice, and each slice's rows.</summary>
internal interface IShardRecords
{
    /// <summary>Each slice's records, sorted by id; changes with the shard, so copy what outlives the turn.</summary>
    IReadOnlyList<List<DataRecord>> Slices { get; }

    /// <summary>Slice <paramref name="slice"/> as rows; safe to keep, it never changes.</summary>
    SliceRows RowsOf(int slice);
}
