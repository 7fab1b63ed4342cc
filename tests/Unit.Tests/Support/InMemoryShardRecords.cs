using Unlearning.Shard;

namespace Unlearning.Tests.Support;

/// <summary>A shard's records held by a test, slice by slice; rows are built from them on every call.</summary>
internal sealed class InMemoryShardRecords(params List<DataRecord>[] slices) : IShardRecords
{
    public IReadOnlyList<List<DataRecord>> Slices { get; } = slices;

    public SliceRows RowsOf(int slice) => SliceRows.Of(Slices[slice]);
}
