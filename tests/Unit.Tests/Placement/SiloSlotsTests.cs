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
