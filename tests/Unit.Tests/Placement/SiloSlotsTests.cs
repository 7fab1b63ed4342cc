using System.Collections.Immutable;
using System.Net;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;
using Unlearning.Placement;

namespace Unlearning.Tests.Placement;

public sealed class SiloSlotsTests
{
    private static readonly SiloAddress[] Silos = [.. Enumerable.Range(1, 3).Select(i => SiloAddress.New(new IPEndPoint(IPAddress.Loopback, 11110 + i), 1))];

    private readonly FakeTimeProvider _clock = new();
    private readonly Membership _membership = new();

    [Fact]
    public void A_dead_silo_keeps_its_slot_for_a_while_then_the_slots_are_the_living()
    {
        var slots = new SiloSlots(_membership, _clock, NullLogger<SiloSlots>.Instance);
        _membership.Set(1, (Silos[0], SiloStatus.Active), (Silos[1], SiloStatus.Active), (Silos[2], SiloStatus.Active));
        Assert.Equal(3, slots.Among(Silos).Count);

        _membership.Set(2, (Silos[0], SiloStatus.Active), (Silos[1], SiloStatus.Dead), (Silos[2], SiloStatus.Active));
        SiloAddress[] living = [Silos[0], Silos[2]];
        Assert.Equal(Silos.Select(SiloSlots.EndpointOf).Order(StringComparer.Ordinal), slots.Among(living));

        _clock.Advance(SiloSlots.Keep);
        Assert.Equal(living.Select(SiloSlots.EndpointOf).Order(StringComparer.Ordinal), slots.Among(living));
    }

    [Fact]
    public void A_silo_dead_before_this_one_saw_it_alive_has_no_slot()
    {
        var slots = new SiloSlots(_membership, _clock, NullLogger<SiloSlots>.Instance);
        _membership.Set(1, (Silos[0], SiloStatus.Active), (Silos[1], SiloStatus.Dead));

        Assert.Equal([SiloSlots.EndpointOf(Silos[0])], slots.Among([Silos[0]]));
    }

    [Fact]
    public void A_silo_restarted_on_its_endpoint_takes_its_slot_back()
    {
        var slots = new SiloSlots(_membership, _clock, NullLogger<SiloSlots>.Instance);
        _membership.Set(1, (Silos[0], SiloStatus.Active), (Silos[1], SiloStatus.Active));
        var restarted = SiloAddress.New(Silos[1].Endpoint, 2);
        _membership.Set(2, (Silos[0], SiloStatus.Active), (Silos[1], SiloStatus.Dead), (restarted, SiloStatus.Active));
        _clock.Advance(SiloSlots.Keep);

        Assert.Equal(2, slots.Among([Silos[0], restarted]).Count);
        Assert.Equal(restarted, ShardSpreadPlacementDirector.Pick(1, slots.Among([Silos[0], restarted]), [Silos[0], Silos[1], restarted]));
    }

    [Fact]
    public void A_silo_that_joins_after_a_death_counts_the_dead_silo_from_the_membership_table_until_the_others_drop_it()
    {
        var watcher = new SiloSlots(_membership, _clock, NullLogger<SiloSlots>.Instance);
        _membership.Set(1, (Silos[0], SiloStatus.Active), (Silos[1], SiloStatus.Active), (Silos[2], SiloStatus.Active));
        watcher.Among(Silos);
        _membership.Set(2, (Silos[0], SiloStatus.Active), (Silos[1], SiloStatus.Dead), (Silos[2], SiloStatus.Active));
        SiloAddress[] living = [Silos[0], Silos[2]];
        watcher.Among(living);
        var votedDeadAt = _clock.GetUtcNow().UtcDateTime - TimeSpan.FromSeconds(5);

        _clock.Advance(TimeSpan.FromMinutes(2));
        var joiner = new SiloSlots(_membership, _clock, NullLogger<SiloSlots>.Instance);
        Assert.Equal(2, joiner.Among(living).Count);
        joiner.RememberDeadBeforeStart(
        [
            Entry(Silos[0], SiloStatus.Active, _clock.GetUtcNow().UtcDateTime),
            Entry(Silos[1], SiloStatus.Dead, votedDeadAt - TimeSpan.FromSeconds(20), votedDeadAt),
            Entry(Silos[2], SiloStatus.Active, _clock.GetUtcNow().UtcDateTime),
        ]);

        Assert.Equal(watcher.Among(living), joiner.Among(living));
        for (ulong value = 0; value < 48; value++)
            Assert.Equal(ShardSpreadPlacementDirector.Pick(value, watcher.Among(living), living), ShardSpreadPlacementDirector.Pick(value, joiner.Among(living), living));

        _clock.Advance(SiloSlots.Keep - TimeSpan.FromMinutes(2));
        Assert.Equal(2, joiner.Among(living).Count);
        Assert.Equal(2, watcher.Among(living).Count);
    }

    [Fact]
    public void The_table_gives_no_slot_to_a_silo_dead_for_longer_than_the_keep_nor_to_an_endpoint_restarted_since()
    {
        var restarted = SiloAddress.New(Silos[1].Endpoint, 2);
        _membership.Set(1, (Silos[0], SiloStatus.Active), (Silos[1], SiloStatus.Dead), (restarted, SiloStatus.Active), (Silos[2], SiloStatus.Dead));
        var slots = new SiloSlots(_membership, _clock, NullLogger<SiloSlots>.Instance);
        var now = _clock.GetUtcNow().UtcDateTime;

        slots.RememberDeadBeforeStart(
        [
            Entry(Silos[0], SiloStatus.Active, now),
            Entry(Silos[1], SiloStatus.Dead, now - TimeSpan.FromSeconds(30)),
            Entry(restarted, SiloStatus.Active, now),
            Entry(Silos[2], SiloStatus.Dead, now - SiloSlots.Keep - TimeSpan.FromSeconds(1)),
        ]);

        SiloAddress[] living = [Silos[0], restarted];
        Assert.Equal(living.Select(SiloSlots.EndpointOf).Order(StringComparer.Ordinal), slots.Among(living));
    }

    private static MembershipEntry Entry(SiloAddress silo, SiloStatus status, DateTime lastAlive, DateTime? votedDeadAt = null)
    {
        List<Tuple<SiloAddress, DateTime>> votes = votedDeadAt is { } at ? [Tuple.Create(Silos[0], at)] : [];
        return new() { SiloAddress = silo, Status = status, IAmAliveTime = lastAlive, SuspectTimes = votes };
    }

    private sealed class Membership : IClusterMembershipService
    {
        public ClusterMembershipSnapshot CurrentSnapshot { get; private set; } =
            new(ImmutableDictionary<SiloAddress, ClusterMember>.Empty, MembershipVersion.MinValue);

        public IAsyncEnumerable<ClusterMembershipSnapshot> MembershipUpdates => throw new NotSupportedException();

        public void Set(long version, params (SiloAddress Silo, SiloStatus Status)[] members) =>
            CurrentSnapshot = new(members.ToImmutableDictionary(m => m.Silo, m => new ClusterMember(m.Silo, m.Status, m.Silo.ToString())),
                new MembershipVersion(version));

        public ValueTask Refresh(MembershipVersion minimumVersion = default, CancellationToken cancellationToken = default) => ValueTask.CompletedTask;

        public Task<bool> TryKill(SiloAddress siloAddress) => Task.FromResult(false);
    }
}
