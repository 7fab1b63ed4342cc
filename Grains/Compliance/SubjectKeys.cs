using Microsoft.Extensions.Options;
using Unlearning.Wire;

namespace Unlearning.Compliance;

/// <summary>
/// The subject keys of this silo: those of the configured file (<see cref="AuditOptions.SubjectKeys"/>, the last the
/// current one), and the key the cluster keeps in its store (<see cref="SubjectKey.StoredId"/>), drawn at first need
/// when no file is configured and kept for look-ups of the entries it made once one is.
/// </summary>
public sealed class SubjectKeys
{
    private readonly IReadOnlyList<SubjectKey> _configured;
    private readonly IGrainFactory _grains;
    private readonly Lock _loading = new();
    private Task<SubjectKey>? _stored;

    public SubjectKeys(IOptions<AuditOptions> options, IGrainFactory grains)
    {
        _grains = grains;
        _configured = string.IsNullOrWhiteSpace(options.Value.SubjectKeys) ? [] : SubjectKeyFile.Load(options.Value.SubjectKeys);
    }

    /// <summary>Whether the operator configured keys (if not, the store holds the key, and whoever holds the store can test guessed ids).</summary>
    public bool Configured => _configured.Count > 0;

    /// <summary>The key new entries are made with.</summary>
    public async ValueTask<SubjectKey> CurrentAsync() => Configured ? _configured[^1] : await StoredAsync();

    /// <summary>Every key an entry may have been made with: the configured ones, newest first, then the stored one if there is one.</summary>
    public async Task<IReadOnlyList<SubjectKey>> AllAsync()
    {
        if (!Configured) return [await StoredAsync()];
        SiloServiceCall.Begin();
        List<SubjectKey> keys = [.. _configured.Reverse()];
        if (await _grains.GetGrain<IClusterKeys>(ISigningKeyGrain.Key).StoredSubjectKey(create: false) is { } stored)
            keys.Add(new SubjectKey(SubjectKey.StoredId, stored.Secret));
        return keys;
    }

    private Task<SubjectKey> StoredAsync()
    {
        lock (_loading)
        {
            if (_stored is null || _stored.IsFaulted || _stored.IsCanceled) _stored = LoadAsync();
            return _stored;
        }

        async Task<SubjectKey> LoadAsync()
        {
            SiloServiceCall.Begin();
            var stored = await _grains.GetGrain<IClusterKeys>(ISigningKeyGrain.Key).StoredSubjectKey(create: true);
            return new SubjectKey(SubjectKey.StoredId, stored!.Secret);
        }
    }
}
