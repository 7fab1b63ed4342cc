using Microsoft.Extensions.Options;
using Unlearning.Wire;

namespace Unlearning.Compliance;

/// <summary>
/// Signs forget receipts (and the audit log's head) in this silo with the cluster's key: the configured one
/// (<see cref="ReceiptOptions.SigningKey"/>), or the one the cluster drew at first need and keeps in its store
/// (<see cref="IClusterKeys"/>). The one place a receipt gets its signature: whatever makes a receipt passes it here last.
/// </summary>
public sealed class ReceiptSigner : IDisposable
{
    private readonly IGrainFactory _grains;
    private readonly TimeProvider _time;
    private readonly Lock _loading = new();
    private Task<SigningKey>? _key;

    public ReceiptSigner(IOptions<ReceiptOptions> options, IGrainFactory grains, TimeProvider time)
    {
        _grains = grains;
        _time = time;
        if (!string.IsNullOrWhiteSpace(options.Value.SigningKey)) Configured = SigningKey.FromPemFile(options.Value.SigningKey);
    }

    /// <summary>The key from the configuration; null when the cluster uses the one it keeps.</summary>
    public SigningKey? Configured { get; }

    /// <summary><paramref name="receipt"/>, issued now, with the key's id and its signature over every other field.</summary>
    public async Task<ForgetReceipt> SignAsync(ForgetReceipt receipt)
    {
        var key = await KeyAsync();
        var issued = receipt with
        {
            IssuedAt = ReceiptDocument.ToMilliseconds(_time.GetUtcNow()),
            KeyId = key.Id,
            Signature = null,
        };
        return issued with { Signature = key.Sign(ReceiptDocument.SignedBytes(issued)) };
    }

    /// <summary>The signature of <paramref name="data"/>, and the id of the key that made it.</summary>
    public async Task<(string KeyId, string Signature)> SignAsync(byte[] data)
    {
        var key = await KeyAsync();
        return (key.Id, key.Sign(data));
    }

    /// <summary>The key this silo signs with; loaded from the cluster's store once (and again after a failure).</summary>
    public Task<SigningKey> KeyAsync()
    {
        lock (_loading)
        {
            if (_key is null || _key.IsFaulted || _key.IsCanceled) _key = LoadAsync();
            return _key;
        }
    }

    private async Task<SigningKey> LoadAsync()
    {
        SiloServiceCall.Begin();
        var keys = _grains.GetGrain<IClusterKeys>(ISigningKeyGrain.Key);
        if (Configured is not null)
        {
            // Remembered with the others, so that receipts it signs stay checkable after the next rotation.
            await keys.RegisterSigningKey(Configured.PublicPem);
            return Configured;
        }
        return SigningKey.FromPkcs8((await keys.StoredSigningKey()).Secret);
    }

    public void Dispose()
    {
        Configured?.Dispose();
        if (_key is { IsCompletedSuccessfully: true } loaded && loaded.Result != Configured) loaded.Result.Dispose();
    }
}
