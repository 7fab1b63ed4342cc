using System.Globalization;
using Orleans.Serialization.Serializers;
using Orleans.Storage;

namespace Unlearning.Silo.Storage.Sqlite;

/// <summary>
/// Orleans grain storage on the silo's SQLite file (<see cref="SqliteStateStore"/>): states serialised with the configured
/// serializer, optimistic concurrency by row version (the ETag), a cleared state's row deleted. The table and its key
/// columns are those the ADO.NET provider used for string-keyed grains, so files written before stay readable.
/// </summary>
internal sealed class SqliteGrainStorage(string name, string serviceId, SqliteStateStore store, IGrainStorageSerializer serializer, IActivatorProvider activators)
    : IGrainStorage
{
    public Task ReadStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState)
    {
        var stored = store.Read(Key(stateName, grainId));
        if (stored is not var (payload, version) || payload.Length == 0)
        {
            grainState.State = activators.GetActivator<T>().Create();
            grainState.ETag = stored is { } row ? Etag(row.Version) : null;
            grainState.RecordExists = false;
            return Task.CompletedTask;
        }
        grainState.State = serializer.Deserialize<T>(new BinaryData(payload));
        grainState.ETag = Etag(version);
        grainState.RecordExists = true;
        return Task.CompletedTask;
    }

    public async Task WriteStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState)
    {
        var expected = Version(grainState.ETag);
        var payload = serializer.Serialize(grainState.State).ToArray();
        var written = await store.WriteAsync(Key(stateName, grainId), payload, expected)
            ?? throw Conflict("write", stateName, grainId, grainState.ETag);
        grainState.ETag = Etag(written);
        grainState.RecordExists = true;
    }

    public async Task ClearStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState)
    {
        if (Version(grainState.ETag) is { } expected && await store.DeleteAsync(Key(stateName, grainId), expected) is null)
            throw Conflict("clear", stateName, grainId, grainState.ETag);
        grainState.ETag = null;
        grainState.RecordExists = false;
        grainState.State = activators.GetActivator<T>().Create();
    }

    private StateKey Key(string stateName, GrainId grainId) => new(serviceId, stateName, grainId.Key.ToString()!);

    private static string Etag(int version) => version.ToString(CultureInfo.InvariantCulture);

    private static int? Version(string? etag) => string.IsNullOrEmpty(etag) ? null : int.Parse(etag, CultureInfo.InvariantCulture);

    private InconsistentStateException Conflict(string operation, string stateName, GrainId grainId, string? etag) =>
        new($"Version conflict ({operation}) in grain storage '{name}': state '{stateName}' of {grainId} is no longer at version {etag ?? "(none)"}");
}
