namespace Unlearning.Compliance;

/// <summary>
/// The keys the cluster keeps in its store (grain <see cref="ClusterKeysGrain"/>): the receipt-signing key it drew when
/// none was configured, the public halves of every key that signed receipts, and the fallback subject key.
/// </summary>
[GenerateSerializer, Alias("Unlearning.ClusterKeysState")]
public sealed class ClusterKeysState
{
    /// <summary>PKCS#8 private key drawn at first need; never sent to a client.</summary>
    [Id(0)] public byte[]? SigningKey { get; set; }
    /// <summary>Every key that signed receipts, oldest first.</summary>
    [Id(1)] public List<SigningPublicKey> PublicKeys { get; set; } = [];
    /// <summary>The subject key drawn when no subject-key file was configured; never sent to a client.</summary>
    [Id(2)] public byte[]? SubjectKey { get; set; }
}
