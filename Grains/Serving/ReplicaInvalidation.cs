using Unlearning.Storage;

namespace Unlearning.Serving;

/// <summary>
/// A model grain activation's side of its read replicas: the activation's <see cref="Epoch"/>, the generation of its last
/// invalidation, and the broadcasts that carry it (one at a time; callers meanwhile share the next). Only for use from
/// the activation's turns.
/// </summary>
internal sealed class ReplicaInvalidation
{
    private readonly CoalescingWriter _broadcast;
    private readonly TimeProvider _time;
    private readonly long _activated;
    private readonly TimeSpan _lease;
    private bool _served;
    private Task _settled = Task.CompletedTask;

    public ReplicaInvalidation(string model, ReplicaHosts hosts, TimeProvider time, TimeSpan lease)
    {
        _time = time;
        _lease = lease;
        _activated = time.GetTimestamp();
        _broadcast = new CoalescingWriter(() => hosts.InvalidateAsync(model, Epoch, Generation));
    }

    /// <summary>Names this activation of the model grain: a replica holds sets of one activation only.</summary>
    public Guid Epoch { get; } = Guid.NewGuid();

    public long Generation { get; private set; }

    /// <summary>Completes when every invalidation started so far is confirmed (or waited out).</summary>
    public Task Settled => _settled;

    /// <summary>Notes that a replica fetched what the model serves now; returns the generation that set belongs to.</summary>
    public long Served()
    {
        _served = true;
        return Generation;
    }

    /// <summary>
    /// What the model serves changed: from this turn on, a replica fetch gets a newer generation, and every silo is told
    /// to drop older ones (<see cref="Settled"/> says when they have). Nothing to tell while no replica can hold a set of
    /// the model: this activation served none, and sets of an earlier activation have outlived their lease.
    /// </summary>
    public void Invalidate()
    {
        Generation++;
        if (!_served && _time.GetElapsedTime(_activated) > _lease) return;
        _settled = _broadcast.WriteAsync();
    }
}
