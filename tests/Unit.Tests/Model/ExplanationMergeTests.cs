using Unlearning.Model;

namespace Unlearning.Tests.Model;

public sealed class ExplanationMergeTests
{
    private static RecordInfluence R(string id, double score) => new(id, -1, score);

    [Fact]
    public void Scores_are_scaled_by_the_shard_weight_tagged_with_the_shard_and_ordered()
    {
        ShardExplanations[] parts =
        [
            new(0, [new Explanation(1, [R("a", 4), R("b", 1)], [R("c", -2)])]),
            new(3, [new Explanation(1, [R("d", 3)], [R("e", -6), R("f", -1)])]),
        ];

        var merged = Assert.Single(ExplanationMerge.Merge([1], parts, 0.5, 10));

        Assert.Equal(1, merged.Label);
        Assert.Equal([("a", 0, 2.0), ("d", 3, 1.5), ("b", 0, 0.5)], merged.Raising.Select(r => (r.RecordId, r.Shard, r.Score)));
        Assert.Equal([("e", 3, -3.0), ("c", 0, -1.0), ("f", 3, -0.5)], merged.Lowering.Select(r => (r.RecordId, r.Shard, r.Score)));
    }

    [Fact]
    public void Only_the_top_records_are_kept_and_ties_go_by_record_id()
    {
        ShardExplanations[] parts =
        [
            new(1, [new Explanation(0, [R("z", 1), R("m", 1)], [])]),
            new(0, [new Explanation(0, [R("b", 1), R("q", 5)], [])]),
        ];

        var merged = Assert.Single(ExplanationMerge.Merge([0], parts, 1, 3));

        Assert.Equal(["q", "b", "m"], merged.Raising.Select(r => r.RecordId));
        Assert.Empty(merged.Lowering);
    }

    [Fact]
    public void A_shard_that_sent_nothing_contributes_nothing()
    {
        ShardExplanations[] parts =
        [
            new(0, []),
            new(1, [new Explanation(0, [R("x", 2)], []), new Explanation(1, [], [R("y", -2)])]),
        ];

        var merged = ExplanationMerge.Merge([0, 1], parts, 0.5, 5);

        Assert.Equal(2, merged.Length);
        Assert.Equal([1.0], merged[0].Raising.Select(r => r.Score));
        Assert.Equal([-1.0], merged[1].Lowering.Select(r => r.Score));
        Assert.Equal(1, merged[1].Label);
    }
}
