using Unlearning.Catalog;

namespace Unlearning.Tests.Compliance;

/// <summary>Segments of the subject index: sorted, each pair once, merged without loss, and searched by hash.</summary>
public sealed class SubjectSegmentTests
{
    [Fact]
    public void Runs_are_sorted_and_hold_each_pair_once()
    {
        var run = SubjectSegment.Of([(9, 1), (3, 2), (9, 0), (3, 2), (ulong.MaxValue, 0), (0, 5)]);
        Assert.Equal<ulong>([0, 3, 9, 9, ulong.MaxValue], run.Hashes);
        Assert.Equal([5, 2, 0, 1, 0], run.Models);
    }

    [Fact]
    public void Merges_find_every_entry_of_their_runs_and_drop_what_keep_refuses()
    {
        var random = new Random(20261202);
        // Few distinct hashes, so many runs share them.
        var runs = Enumerable.Range(0, 7).Select(_ => Enumerable.Range(0, random.Next(0, 300))
            .Select(_ => ((ulong)random.Next(0, 500) * 0x9E3779B97F4A7C15UL, random.Next(0, 5))).ToArray()).ToArray();
        var all = runs.SelectMany(r => r).ToHashSet();

        var merged = SubjectSegment.Merge([.. runs.Select(r => SubjectSegment.Of(r))]);
        var reference = SubjectSegment.Of(all);
        Assert.Equal(reference.Hashes, merged.Hashes);
        Assert.Equal(reference.Models, merged.Models);
        foreach (var (hash, model) in all) Assert.True(merged.Contains(hash, model));
        Assert.False(merged.Contains(12345, 0));

        var withoutTwo = SubjectSegment.Merge([.. runs.Select(r => SubjectSegment.Of(r))], keep: m => m != 2);
        Assert.False(withoutTwo.Holds(2));
        Assert.Equal(all.Count(e => e.Item2 != 2), withoutTwo.Count);

        foreach (var hash in all.Select(e => e.Item1).Distinct())
        {
            var models = new SortedSet<int>();
            merged.CollectModels(hash, models);
            Assert.Equal(all.Where(e => e.Item1 == hash).Select(e => e.Item2).Order(), models);
        }
    }
}
