using Unlearning.Shard;

namespace Unlearning.Tests.Support;

/// <summary>A shard's records held by a test, slice by slice, as the learner reads them.</summary>
internal static class InMemoryShardRecords
{
    public static ShardRows Of(params List<DataRecord>[] slices) => ShardRows.Of(slices);
}
