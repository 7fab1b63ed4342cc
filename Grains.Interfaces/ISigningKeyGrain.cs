namespace Unlearning;

/// <summary>
/// The cluster's receipt-signing key, public half only (the private half never leaves the silos): what an auditor
/// needs to check receipts offline (<c>unlearn signing-key --public</c>). One per cluster, key <see cref="Key"/>.
/// </summary>
[Alias("Unlearning.ISigningKeyGrain")]
public interface ISigningKeyGrain : IGrainWithStringKey
{
    /// <summary>The one key of the cluster's signing keys.</summary>
    const string Key = "cluster";

    /// <summary>The key receipts are signed with now, and the ones that signed receipts before it.</summary>
    [RequiresRole(Roles.Reader, Roles.Writer, Roles.Forgetter, Roles.Auditor, Action = "read the receipt-signing public key")]
    [Alias("GetPublicKeys")] Task<ReceiptSigningKeys> GetPublicKeys();
}

/// <summary>A public signing key: its id (as receipts name it, see <see cref="ReceiptDocument.KeyIdOf"/>), PEM SubjectPublicKeyInfo, when first used.</summary>
[GenerateSerializer, Immutable, Alias("Unlearning.SigningPublicKey")]
public sealed record SigningPublicKey(
    [property: Id(0)] string KeyId,
    [property: Id(1)] string Pem,
    [property: Id(2)] DateTimeOffset Since);

/// <summary>The key that signs now, and every earlier one the cluster signed with (newest first).</summary>
[GenerateSerializer, Immutable, Alias("Unlearning.ReceiptSigningKeys")]
public sealed record ReceiptSigningKeys(
    [property: Id(0)] SigningPublicKey Current,
    [property: Id(1)] SigningPublicKey[] Previous);
