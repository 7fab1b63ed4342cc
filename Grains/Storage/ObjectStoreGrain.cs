using System.Globalization;
using Unlearning.Wire;

namespace Unlearning.Storage;

/// <summary>
/// A bucket of the memory store's immutable states, held as the objects they are. It lives as long as its silo: the
/// memory store keeps nothing anywhere else.
/// </summary>
[KeepAlive]
public sealed class ObjectStoreGrain : Grain, IObjectStore
{
    private readonly Dictionary<string, StoredObject> _entries = new(StringComparer.Ordinal);
    // ETags of one activation never repeat one of another's: its writes count from a random start.
    private readonly string _activation = Guid.NewGuid().ToString("N")[..12];
    private long _writes;

    public Task<StoredObject?> Read(string key) => Task.FromResult(_entries.GetValueOrDefault(key));

    public Task<string?> Write(string key, object state, string? etag)
    {
        ArgumentNullException.ThrowIfNull(state);
        if (!IsCurrent(key, etag)) return Task.FromResult<string?>(null);
        var next = $"{_activation}.{(++_writes).ToString(CultureInfo.InvariantCulture)}";
        _entries[key] = new StoredObject(state, next);
        return Task.FromResult<string?>(next);
    }

    public Task<bool> Clear(string key, string? etag)
    {
        if (!IsCurrent(key, etag)) return Task.FromResult(false);
        _entries.Remove(key);
        return Task.FromResult(true);
    }

    private bool IsCurrent(string key, string? etag) =>
        !_entries.TryGetValue(key, out var stored) || string.Equals(stored.ETag, etag, StringComparison.Ordinal);
}
