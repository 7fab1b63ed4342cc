using System.Net;
using Microsoft.Extensions.Time.Testing;
using Unlearning.Placement;

namespace Unlearning.Tests.Placement;

public sealed class RecentPlacementsTests
{
    private static readonly TimeSpan Window = TimeSpan.FromSeconds(30);
    private static readonly SiloAddress[] Silos = [.. Enumerable.Range(1, 3).Select(i => SiloAddress.New(new IPEndPoint(IPAddress.Loopback, 11110 + i), 1))];
    private static readonly GrainId Shard = GrainId.Create("shard", "m/4");

    private readonly FakeTimeProvider _clock = new();

    /// <summary>A grain whose slot is <paramref name="slot"/> in any list long enough (wrapped in shorter ones).</summary>
    private static Func<IReadOnlyList<SiloAddress>, SiloAddress> Slot(int slot) => candidates => candidates[slot % candidates.Count];

    [Fact]
    public void A_grain_placed_once_goes_to_its_slot()
    {
        var recent = new RecentPlacements(_clock, Window);

        Assert.Equal(Silos[1], recent.Choose(Shard, Silos, Slot(1)));
        Assert.Equal(Silos[2], recent.Choose(GrainId.Create("shard", "m/5"), Silos, Slot(2)));
    }

    [Fact]
    public void Placed_again_within_the_window_it_is_placed_among_the_silos_not_chosen_lately_then_starts_over()
    {
        var recent = new RecentPlacements(_clock, Window);

        // Its silo was unreachable (killed, still listed): the next attempts place it among the others, by its slot there.
        Assert.Equal(Silos[1], recent.Choose(Shard, Silos, Slot(1)));
        _clock.Advance(TimeSpan.FromSeconds(1));
        Assert.Equal(Silos[2], recent.Choose(Shard, Silos, Slot(1)));
        _clock.Advance(TimeSpan.FromSeconds(1));
        Assert.Equal(Silos[0], recent.Choose(Shard, Silos, Slot(1)));
        _clock.Advance(TimeSpan.FromSeconds(1));
        Assert.Equal(Silos[1], recent.Choose(Shard, Silos, Slot(1)));
    }

    [Fact]
    public void The_grains_of_a_dead_silo_spread_over_the_others_when_placed_again()
    {
        var recent = new RecentPlacements(_clock, Window);
        var grains = Enumerable.Range(0, 12).Select(i => GrainId.Create("shard", $"m/{i}")).ToArray();
        foreach (var grain in grains) Assert.Equal(Silos[0], recent.Choose(grain, Silos, Slot(3 * grains.Length)));
        _clock.Advance(TimeSpan.FromSeconds(1));

        // Silo 0 died, still listed: each grain placed again goes to its slot among silos 1 and 2, so they share them.
        var again = grains.Select((grain, i) => recent.Choose(grain, Silos, Slot(i))).ToArray();
        Assert.DoesNotContain(Silos[0], again);
        Assert.Equal(6, again.Count(s => s == Silos[1]));
        Assert.Equal(6, again.Count(s => s == Silos[2]));
    }

    [Fact]
    public void Requests_racing_the_first_placement_get_the_same_silo_and_a_later_one_is_a_retry()
    {
        var recent = new RecentPlacements(_clock, Window);
        Assert.Equal(Silos[1], recent.Choose(Shard, Silos, Slot(1)));
        _clock.Advance(RecentPlacements.Settle / 2);
        Assert.Equal(Silos[1], recent.Choose(Shard, Silos, Slot(1)));
        Assert.Equal(Silos[1], recent.Choose(Shard, Silos, Slot(1)));

        _clock.Advance(RecentPlacements.Settle);
        Assert.Equal(Silos[2], recent.Choose(Shard, Silos, Slot(1)));
    }

    [Fact]
    public void After_the_window_a_grain_goes_to_its_slot_again()
    {
        var recent = new RecentPlacements(_clock, Window);
        Assert.Equal(Silos[0], recent.Choose(Shard, Silos, Slot(0)));
        _clock.Advance(TimeSpan.FromSeconds(1));
        Assert.Equal(Silos[1], recent.Choose(Shard, Silos, Slot(0)));

        _clock.Advance(Window);

        Assert.Equal(Silos[0], recent.Choose(Shard, Silos, Slot(0)));
    }

    [Fact]
    public void A_silo_gone_from_membership_no_longer_counts_and_the_rest_follow_the_rule()
    {
        var recent = new RecentPlacements(_clock, Window);
        Assert.Equal(Silos[2], recent.Choose(Shard, Silos, Slot(2)));

        // Membership declared it dead: the slot among the two left, as if it had never been chosen.
        SiloAddress[] survivors = [Silos[0], Silos[1]];
        Assert.Equal(Silos[1], recent.Choose(Shard, survivors, Slot(1)));
        _clock.Advance(TimeSpan.FromSeconds(1));
        Assert.Equal(Silos[0], recent.Choose(Shard, survivors, Slot(1)));
    }

    [Fact]
    public void What_failed_while_a_dead_silo_was_listed_does_not_count_once_it_is_declared_dead()
    {
        var recent = new RecentPlacements(_clock, Window);
        Assert.Equal(Silos[0], recent.Choose(Shard, Silos, Slot(0)));
        _clock.Advance(TimeSpan.FromSeconds(1));
        // Silo 0 killed, still listed: placed again among the others. That activation fails as well (its directory
        // partition was on silo 0).
        Assert.Equal(Silos[1], recent.Choose(Shard, Silos, Slot(0)));
        _clock.Advance(TimeSpan.FromSeconds(1));

        // Silo 0 declared dead: the grain goes to its slot among the two left, as every other silo would place it.
        SiloAddress[] survivors = [Silos[1], Silos[2]];
        Assert.Equal(Silos[1], recent.Choose(Shard, survivors, Slot(0)));
    }

    [Fact]
    public void Many_grains_are_remembered_and_the_old_ones_forgotten()
    {
        var recent = new RecentPlacements(_clock, Window);
        for (var i = 0; i < 70_000; i++) Assert.Equal(Silos[i % 3], recent.Choose(GrainId.Create("shard", $"m/{i}"), Silos, Slot(i % 3)));
        _clock.Advance(Window);
        for (var i = 0; i < 70_000; i++) Assert.Equal(Silos[i % 3], recent.Choose(GrainId.Create("shard", $"m/{i}"), Silos, Slot(i % 3)));
    }
}
