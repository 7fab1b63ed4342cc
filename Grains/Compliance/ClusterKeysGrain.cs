using System.Security.Cryptography;
using Unlearning.Wire;

namespace Unlearning.Compliance;

/// <summary>
/// The cluster's keys in its store: clients read the public signing keys (<see cref="ISigningKeyGrain"/>), silos the
/// stored secrets (<see cref="IClusterKeys"/>, refused to clients by the call filter). Not reentrant: a key is drawn
/// and stored once.
/// </summary>
public sealed class ClusterKeysGrain(
    [PersistentState("keys", StorageNames.Models)] IPersistentState<ClusterKeysState> state,
    ReceiptSigner signer,
    TimeProvider time) : Grain, ISigningKeyGrain, IClusterKeys
{
    public async Task<ReceiptSigningKeys> GetPublicKeys()
    {
        var current = signer.Configured is { } configured
            ? await RegisterAsync(configured.PublicPem)
            : await RegisterAsync(await StoredSigningKeyAsync());
        var previous = state.State.PublicKeys.Where(k => k.KeyId != current.KeyId).Reverse().ToArray();
        return new ReceiptSigningKeys(current, previous);
    }

    public async Task<StoredKey> StoredSigningKey()
    {
        await StoredSigningKeyAsync();
        return new StoredKey(state.State.SigningKey!);
    }

    public async Task RegisterSigningKey(string publicKeyPem) => await RegisterAsync(publicKeyPem);

    public async Task<StoredKey?> StoredSubjectKey(bool create)
    {
        if (state.State.SubjectKey is null)
        {
            if (!create) return null;
            state.State.SubjectKey = RandomNumberGenerator.GetBytes(SubjectKey.MinBytes);
            await state.WriteStateAsync();
        }
        return new StoredKey(state.State.SubjectKey);
    }

    /// <summary>The stored key's public PEM, the key drawn and stored first if there is none.</summary>
    private async Task<string> StoredSigningKeyAsync()
    {
        if (state.State.SigningKey is null)
        {
            using var drawn = SigningKey.Generate();
            state.State.SigningKey = drawn.ExportPkcs8();
            state.State.PublicKeys.Add(new SigningPublicKey(drawn.Id, drawn.PublicPem, time.GetUtcNow()));
            await state.WriteStateAsync();
        }
        using var key = SigningKey.FromPkcs8(state.State.SigningKey);
        return key.PublicPem;
    }

    private async Task<SigningPublicKey> RegisterAsync(string publicPem)
    {
        var id = SigningKey.IdOfPublicPem(publicPem);
        if (state.State.PublicKeys.FirstOrDefault(k => k.KeyId == id) is { } known) return known;
        var added = new SigningPublicKey(id, publicPem, time.GetUtcNow());
        state.State.PublicKeys.Add(added);
        await state.WriteStateAsync();
        return added;
    }
}
