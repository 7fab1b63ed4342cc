namespace Unlearning.Wire;

/// <summary>
/// The audit log's side for the silos (same grain as <see cref="IAuditGrain"/>): every silo appends what its grains
/// and its call filter did. Never part of the client contract.
/// </summary>
[Alias("Unlearning.IAuditLog")]
public interface IAuditLog : IGrainWithStringKey
{
    /// <summary>Appends the events in order; returns once they are stored. Appends arriving while one is stored share the next write.</summary>
    [Alias("Append")] Task Append(AuditEvent[] events);
}
