namespace Unlearning.Wire;

/// <summary>
/// One bucket of the memory store's immutable states, keyed by bucket number (see the silo's
/// <c>SharedImmutableMemoryStorage</c>): each entry is the state object itself and its ETag.
/// </summary>
[Alias("Unlearning.IObjectStore")]
public interface IObjectStore : IGrainWithIntegerKey
{
    /// <summary>The entry under <paramref name="key"/>; null when there is none (never written, or cleared).</summary>
    [Alias("Read")] Task<StoredObject?> Read(string key);

    /// <summary>
    /// Stores <paramref name="state"/> if <paramref name="etag"/> is the entry's (any ETag when there is no entry) and
    /// returns the new ETag; returns null, storing nothing, if not. (A conflict is an answer, not an exception: Orleans
    /// deactivates a grain that lets an <c>InconsistentStateException</c> escape, and this one's entries would go with it.)
    /// </summary>
    [Alias("Write")] Task<string?> Write(string key, object state, string? etag);

    /// <summary>Removes the entry if <paramref name="etag"/> is its ETag (any ETag when there is no entry); false, removing nothing, if not.</summary>
    [Alias("Clear")] Task<bool> Clear(string key, string? etag);
}

/// <summary>A stored state and its ETag. Only immutable states are stored, so it is passed on without a copy.</summary>
[GenerateSerializer, Immutable, Alias("Unlearning.StoredObject")]
public sealed record StoredObject([property: Id(0)] object State, [property: Id(1)] string ETag);
