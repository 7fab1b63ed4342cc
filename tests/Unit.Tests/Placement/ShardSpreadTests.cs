using System.Net;
using Unlearning.Placement;

namespace Unlearning.Tests.Placement;

public sealed class ShardSpreadTests
{
    [Theory]
    [InlineData(16, 3)]
    [InlineData(16, 2)]
    [InlineData(4, 3)]
    [InlineData(7, 5)]
    public void A_models_shards_take_every_silo_slot_in_turn(int shards, int silos)
    {
        foreach (var model in new[] { "wdbc", "patients-2026", "a/b" })
        {
            var perSlot = new int[silos];
            for (var i = 0; i < shards; i++) perSlot[ShardSpreadPlacementDirector.SlotOf($"{model}/{i}", silos)]++;
            Assert.Equal(shards, perSlot.Sum());
            Assert.True(perSlot.Max() - perSlot.Min() <= 1, $"{model}: {string.Join("/", perSlot)}");
        }
    }

    [Fact]
    public void The_slot_is_a_function_of_the_key_alone()
    {
        // A stable hash: the same model starts at the same slot in every process (these values must never change).
        Assert.Equal(ShardSpreadPlacementDirector.SlotOf("wdbc/0", 3), ShardSpreadPlacementDirector.SlotOf("wdbc/0", 3));
        var starts = Enumerable.Range(0, 30).Select(m => ShardSpreadPlacementDirector.SlotOf($"model{m}/0", 3)).Distinct().Count();
        Assert.Equal(3, starts); // models start on different silos, so their shard 0s do not all stack on one
    }

    [Fact]
    public void A_key_without_a_shard_index_still_gets_a_slot()
    {
        Assert.InRange(ShardSpreadPlacementDirector.SlotOf("no-index", 3), 0, 2);
        Assert.InRange(ShardSpreadPlacementDirector.SlotOf("m/x", 3), 0, 2);
    }

    private static readonly SiloAddress[] Silos = [.. Enumerable.Range(1, 3).Select(i => SiloAddress.New(new IPEndPoint(IPAddress.Loopback, 11110 + i), 1))];
    private static readonly string[] Slots = [.. Silos.Select(SiloSlots.EndpointOf).Order(StringComparer.Ordinal)];

    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    [InlineData(2)]
    public void A_dead_silos_shards_alternate_over_the_survivors_and_the_living_stay(int dead)
    {
        foreach (var model in new[] { "wdbc", "patients-2026", "spread-3f2a" })
        {
            var before = Enumerable.Range(0, 16).Select(i => ShardSpreadPlacementDirector.Pick(ShardSpreadPlacementDirector.ValueOf($"{model}/{i}"), Slots, Silos)).ToArray();
            var survivors = Silos.Where((_, i) => i != dead).ToArray();
            var after = Enumerable.Range(0, 16).Select(i => ShardSpreadPlacementDirector.Pick(ShardSpreadPlacementDirector.ValueOf($"{model}/{i}"), Slots, survivors)).ToArray();

            Assert.True(Silos.All(s => before.Count(b => b == s) is 5 or 6), $"{model}: {string.Join("/", Silos.Select(s => before.Count(b => b == s)))}");
            for (var i = 0; i < 16; i++)
                if (before[i] != Silos[dead]) Assert.Equal(before[i], after[i]);
            var counts = survivors.Select(s => after.Count(a => a == s)).ToArray();
            Assert.True(counts.All(c => c is 8 or 7 or 9) && counts.Max() - counts.Min() <= 2, $"{model}: {string.Join("/", counts)}");
        }
    }
}
