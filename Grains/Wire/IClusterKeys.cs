namespace Unlearning.Wire;

/// <summary>
/// The keys the cluster keeps in its store for want of configured ones (same grain as <see cref="ISigningKeyGrain"/>):
/// a receipt-signing key drawn at first need, and a fallback subject key for the audit log. Only silos call it; the
/// private halves cross only links between silos, never to a client.
/// </summary>
[Alias("Unlearning.IClusterKeys")]
public interface IClusterKeys : IGrainWithStringKey
{
    /// <summary>The stored signing key (PKCS#8), drawn and stored by the first call.</summary>
    [Alias("StoredSigningKey")] Task<StoredKey> StoredSigningKey();

    /// <summary>Notes the public half of a configured signing key, so that receipts it signed stay checkable after a rotation.</summary>
    [Alias("RegisterSigningKey")] Task RegisterSigningKey(string publicKeyPem);

    /// <summary>The stored subject key, drawn and stored first when <paramref name="create"/>; null when there is none.</summary>
    [Alias("StoredSubjectKey")] Task<StoredKey?> StoredSubjectKey(bool create);
}

/// <summary>Secret key bytes; never printed.</summary>
[GenerateSerializer, Immutable, Alias("Unlearning.StoredKey")]
public sealed record StoredKey([property: Id(0)] byte[] Secret)
{
    public override string ToString() => "StoredKey { (secret) }";
}
