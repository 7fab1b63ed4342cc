namespace Unlearning.Shard;

/// <summary>A row of a slice packed in an int: its chunk's slot in the slice (high bits) and its row in that chunk (low byte).</summary>
internal static class RowEntry
{
    public static int Of(int slot, int row) => (slot << 8) | row;

    public static int Slot(int entry) => entry >>> 8;

    public static int Row(int entry) => entry & 0xFF;

    public static RecordChunk Chunk(RecordChunk[] chunks, int entry) => chunks[Slot(entry)];

    public static string Id(RecordChunk[] chunks, int entry) => chunks[Slot(entry)].Ids[Row(entry)];
}
