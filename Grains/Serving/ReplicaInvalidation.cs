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
    private bool _served;
    private Task _settled;

    /// <summary>
    /// Starts by telling every silo of this activation's epoch: a replica may hold a set an earlier activation served,
    /// and drops it. Until that is confirmed, <see cref="Settled"/> waits for it.
    /// </summary>
    public ReplicaInvalidation(string model, ReplicaHosts hosts)
    {
        _broadcast = new CoalescingWriter(() => hosts.InvalidateAsync(model, Epoch, Generation));
        _settled = _broadcast.WriteAsync();
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
    /// to drop older ones (<see cref="Settled"/> says when they have). Nothing to tell while this activation served no
    /// replica: the epoch sent at its start dropped those of earlier activations.
    /// </summary>
    public void Invalidate()
    {
        Generation++;
        if (_served) _settled = _broadcast.WriteAsync();
    }
}
