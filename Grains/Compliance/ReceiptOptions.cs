namespace Unlearning.Compliance;

/// <summary>How forget receipts are signed, bound from the "Receipts" configuration section.</summary>
public sealed class ReceiptOptions
{
    public const string Section = "Receipts";

    /// <summary>
    /// PEM private key (ECDSA P-256, PKCS#8 or SEC1) that signs receipts; every silo of the cluster needs the same one.
    /// Without it the cluster draws a key at first need and keeps it in the store.
    /// </summary>
    public string? SigningKey { get; set; }

    /// <summary>Command-line switches of this section.</summary>
    public static readonly Dictionary<string, string> SwitchMappings = new()
    {
        ["--receipt-signing-key"] = $"{Section}:{nameof(SigningKey)}",
    };
}
