using System.Security.Cryptography;
using Orleans.Storage;

namespace Unlearning.Silo.Storage;

/// <summary>
/// Seals every version of a grain state that PostgreSQL stores under a key of its own (AES-256-GCM), so that erasing the
/// key erases the version: crypto-shredding.
/// <para>
/// PostgreSQL never overwrites a row in place, so each write of a state leaves its previous version in the table files
/// until a vacuum. The write query (WriteToStorageKey.sql) keeps the first <see cref="KeyBytes"/> bytes of what this
/// writes, the key, in <c>state_keys</c>, and the rest, the sealed state, in <c>grain_state</c>. A dead version of a
/// state is then unreadable once the dead version of its key is gone, and only the small <c>state_keys</c> table (keys
/// and grain names) has to be rewritten after a forget, not the shard's records (see <see cref="GrainStateScrubber"/>).
/// The keys sit in the same database as the states: this is erasure, not encryption at rest against whoever reads the
/// database.
/// </para>
/// </summary>
public sealed class ShreddableStateSerializer(IGrainStorageSerializer inner) : IGrainStorageSerializer
{
    public const int KeyBytes = 32;
    private const int NonceBytes = 12, TagBytes = 16;

    /// <summary>First bytes of every sealed state as stored: tells a state whose key is gone from a state stored unsealed.</summary>
    private static ReadOnlySpan<byte> Magic => "usk1"u8;

    /// <summary>What the read query (ReadFromStorageKey.sql) puts before a state stored with a key, and before one without.</summary>
    internal const byte Keyed = 1, Unkeyed = 0;

    private static int Overhead => Magic.Length + NonceBytes + TagBytes;

    /// <summary>The key, then the sealed state: magic, nonce, tag, ciphertext.</summary>
    public BinaryData Serialize<T>(T? input)
    {
        var plain = inner.Serialize(input).ToMemory().Span;
        var output = new byte[KeyBytes + Overhead + plain.Length];
        var key = output.AsSpan(0, KeyBytes);
        RandomNumberGenerator.Fill(key);
        var sealedState = output.AsSpan(KeyBytes);
        Magic.CopyTo(sealedState);
        var nonce = sealedState.Slice(Magic.Length, NonceBytes);
        RandomNumberGenerator.Fill(nonce);
        using (var aes = new AesGcm(key, TagBytes))
            aes.Encrypt(nonce, plain, sealedState[Overhead..], sealedState.Slice(Magic.Length + NonceBytes, TagBytes));
        return new BinaryData(output);
    }

    /// <summary>
    /// Reads what the read query returns: <see cref="Keyed"/>, the key and the sealed state; or <see cref="Unkeyed"/> and the
    /// state as stored, which a version before this one wrote unsealed.
    /// </summary>
    public T? Deserialize<T>(BinaryData input)
    {
        var bytes = input.ToMemory();
        if (bytes.Length == 0) throw new InvalidDataException("a stored grain state came back without its marker byte");
        var stored = bytes[1..];
        switch (bytes.Span[0])
        {
            case Unkeyed when stored.Span.StartsWith(Magic):
                throw new InvalidDataException("a stored grain state is sealed but its key is gone from state_keys: it cannot be read any more");
            case Unkeyed:
                return inner.Deserialize<T>(new BinaryData(stored));
            case Keyed:
                return inner.Deserialize<T>(new BinaryData(Open(stored.Span)));
            default:
                throw new InvalidDataException($"a stored grain state came back with the unknown marker {bytes.Span[0]}");
        }
    }

    /// <summary>Whether <paramref name="stored"/> is a state sealed by this serializer (as grain_state holds it, without its key).</summary>
    public static bool IsSealed(ReadOnlySpan<byte> stored) => stored.Length >= Overhead && stored.StartsWith(Magic);

    /// <summary>
    /// The state <paramref name="sealedState"/> holds if <paramref name="key"/> is its key; null if not (the tag does not match).
    /// What anyone holding a key and a sealed version can do: the storage audits of the tests use it.
    /// </summary>
    public static byte[]? TryOpen(ReadOnlySpan<byte> key, ReadOnlySpan<byte> sealedState)
    {
        if (key.Length != KeyBytes || !IsSealed(sealedState)) return null;
        var plain = new byte[sealedState.Length - Overhead];
        using var aes = new AesGcm(key, TagBytes);
        try
        {
            aes.Decrypt(sealedState.Slice(Magic.Length, NonceBytes), sealedState[Overhead..], sealedState.Slice(Magic.Length + NonceBytes, TagBytes), plain);
            return plain;
        }
        catch (AuthenticationTagMismatchException)
        {
            return null;
        }
    }

    private static byte[] Open(ReadOnlySpan<byte> keyAndState)
    {
        if (keyAndState.Length < KeyBytes || !IsSealed(keyAndState[KeyBytes..]))
            throw new InvalidDataException("a stored grain state with a key is not sealed in the expected format");
        return TryOpen(keyAndState[..KeyBytes], keyAndState[KeyBytes..])
            ?? throw new InvalidDataException("a stored grain state does not open with its key: it or its key was altered");
    }
}
