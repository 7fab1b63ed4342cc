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

    [Fact]
    public void A_grain_placed_once_goes_to_its_preferred_silo()
    {
        var recent = new RecentPlacements(_clock, Window);

        Assert.Equal(Silos[1], recent.Choose(Shard, Silos, 1));
        Assert.Equal(Silos[2], recent.Choose(GrainId.Create("shard", "m/5"), Silos, 2));
    }

    [Fact]
    public void Placed_again_within_the_window_it_avoids_every_silo_chosen_lately_then_starts_over()
    {
        var recent = new RecentPlacements(_clock, Window);

        // The preferred silo was unreachable (killed, still listed): the next attempts try the others in order.
        Assert.Equal(Silos[1], recent.Choose(Shard, Silos, 1));
        _clock.Advance(TimeSpan.FromSeconds(1));
        Assert.Equal(Silos[2], recent.Choose(Shard, Silos, 1));
        _clock.Advance(TimeSpan.FromSeconds(1));
        Assert.Equal(Silos[0], recent.Choose(Shard, Silos, 1));
        _clock.Advance(TimeSpan.FromSeconds(1));
        Assert.Equal(Silos[1], recent.Choose(Shard, Silos, 1));
    }

    [Fact]
    public void After_the_window_a_grain_goes_to_its_preferred_silo_again()
    {
        var recent = new RecentPlacements(_clock, Window);
        Assert.Equal(Silos[0], recent.Choose(Shard, Silos, 0));
        Assert.Equal(Silos[1], recent.Choose(Shard, Silos, 0));

        _clock.Advance(Window);

        Assert.Equal(Silos[0], recent.Choose(Shard, Silos, 0));
    }

    [Fact]
    public void A_silo_gone_from_membership_is_not_chosen_and_the_rest_follow_the_order()
    {
        var recent = new RecentPlacements(_clock, Window);
        Assert.Equal(Silos[2], recent.Choose(Shard, Silos, 2));

        // Membership declared it dead: the preferred slot among the two left, and no memory of the dead one matters.
        SiloAddress[] survivors = [Silos[0], Silos[1]];
        Assert.Equal(Silos[1], recent.Choose(Shard, survivors, 1));
        Assert.Equal(Silos[0], recent.Choose(Shard, survivors, 1));
    }

    [Fact]
    public void Many_grains_are_remembered_and_the_old_ones_forgotten()
    {
        var recent = new RecentPlacements(_clock, Window);
        for (var i = 0; i < 3000; i++) Assert.Equal(Silos[i % 3], recent.Choose(GrainId.Create("shard", $"m/{i}"), Silos, i % 3));
        _clock.Advance(Window);
        for (var i = 0; i < 3000; i++) Assert.Equal(Silos[i % 3], recent.Choose(GrainId.Create("shard", $"m/{i}"), Silos, i % 3));
    }
}
