using Unlearning.Learning;
using Unlearning.Shard;
using Unlearning.TestKit;

namespace Unlearning.Tests.Shard;

public sealed class StagedBatchTests
{
    private const int Shards = 4;
    private static readonly ModelConfig Config = Dataset.Wdbc().Config("staged", Shards, 2);

    /// <summary>Records whose subjects all belong to shard 0, with ids r0, r1, ...</summary>
    private static DataRecord[] Batch(int count)
    {
        var subjects = Enumerable.Range(0, 1000).Select(i => $"p{i}").Where(s => Partitioning.ShardOf(s, Shards) == 0).Take(count).ToArray();
        return [.. subjects.Select((s, i) => new DataRecord($"r{i}", s, [i, 1.5], i % 2))];
    }

    private static (DataRecord[] Fresh, int Unchanged) Classify(DataRecord[] batch, Dictionary<string, HeldCopy> held, params string[] arriving) =>
        StagedBatch.Classify(batch, "ingest-a", Config, 0, arriving.ToHashSet(), r => held.TryGetValue(r.Id, out var copy) ? copy : null);

    [Fact]
    public void New_records_are_fresh_and_records_held_as_sent_by_a_commit_or_this_ingest_are_unchanged()
    {
        var batch = Batch(5);
        var held = new Dictionary<string, HeldCopy> { ["r1"] = new(true, null), ["r3"] = new(true, "ingest-a") };

        var (fresh, unchanged) = Classify(batch, held);

        Assert.Equal(["r0", "r2", "r4"], fresh.Select(r => r.Id));
        Assert.Equal(2, unchanged);
    }

    [Fact]
    public void A_held_id_with_other_content_fails_the_batch_naming_it()
    {
        var error = Assert.Throws<ArgumentException>(() => Classify(Batch(3), new() { ["r2"] = new(false, null) }));
        Assert.Equal("duplicate record ids already in model 'staged' with other content: 'r2'", error.Message);
    }

    [Fact]
    public void An_id_staged_by_another_ingest_or_arriving_in_a_concurrent_batch_fails_the_batch()
    {
        var staged = Assert.Throws<ArgumentException>(() => Classify(Batch(3), new() { ["r0"] = new(true, "ingest-b") }));
        var arriving = Assert.Throws<ArgumentException>(() => Classify(Batch(3), [], "r1"));

        Assert.Equal("record ids being ingested by another ingest of model 'staged' (wait for it, or abort it): 'r0'", staged.Message);
        Assert.Contains("'r1'", arriving.Message);
    }

    [Fact]
    public void A_record_of_another_shards_subject_is_refused()
    {
        var stranger = Enumerable.Range(0, 100).Select(i => $"q{i}").First(s => Partitioning.ShardOf(s, Shards) == 2);
        var batch = Batch(2).Append(new DataRecord("r9", stranger, [0, 0], 0)).ToArray();

        var error = Assert.Throws<ArgumentException>(() => Classify(batch, []));
        Assert.Equal("record 'r9' belongs to shard 2, not 0", error.Message);
    }
}
