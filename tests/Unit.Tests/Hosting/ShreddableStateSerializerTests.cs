using System.Text;
using Microsoft.Extensions.DependencyInjection;
using Orleans.Serialization;
using Orleans.Storage;
using Unlearning.Silo.Storage;

namespace Unlearning.Tests.Hosting;

/// <summary>
/// Grain states on PostgreSQL: sealed under a new key at every write (what the write query splits into state_keys and
/// grain_state), read back as the read query returns them, and unreadable without their key.
/// </summary>
public sealed class ShreddableStateSerializerTests
{
    private const string Secret = "patient P-0042 record: 7.25";

    private static readonly OrleansGrainStorageSerializer Inner =
        new(new ServiceCollection().AddSerializer().BuildServiceProvider().GetRequiredService<Serializer>());

    private static readonly ShreddableStateSerializer Sealer = new(Inner);

    private static (byte[] Key, byte[] Stored) Write(string state)
    {
        var written = Sealer.Serialize(state).ToArray();
        return (written[..ShreddableStateSerializer.KeyBytes], written[ShreddableStateSerializer.KeyBytes..]);
    }

    /// <summary>As ReadFromStorageKey.sql returns a row: 1, key, sealed state; or 0 and the state as stored.</summary>
    private static BinaryData Read(byte[]? key, byte[] stored) =>
        new(key is null ? [0, .. stored] : [1, .. key, .. stored]);

    [Fact]
    public void A_state_reads_back_with_its_key_and_its_stored_bytes_hold_nothing_of_it()
    {
        var (key, stored) = Write(Secret);

        Assert.Equal(Secret, Sealer.Deserialize<string>(Read(key, stored)));
        Assert.True(ShreddableStateSerializer.IsSealed(stored));
        var plain = Inner.Serialize(Secret).ToArray();
        Assert.True(plain.AsSpan().IndexOf(Encoding.UTF8.GetBytes("P-0042")) >= 0); // the needle is findable in the clear
        Assert.True(stored.AsSpan().IndexOf(Encoding.UTF8.GetBytes("P-0042")) < 0);
        Assert.True(stored.AsSpan().IndexOf(plain) < 0);
    }

    [Fact]
    public void Every_write_draws_a_new_key_so_an_old_version_dies_with_its_own_key()
    {
        var (first, firstStored) = Write(Secret);
        var (second, secondStored) = Write(Secret);

        Assert.NotEqual(first, second);
        Assert.NotEqual(firstStored, secondStored);
        // The live key opens the live version only: the old version needs the old key, which the vacuum erases.
        Assert.Null(ShreddableStateSerializer.TryOpen(second, firstStored));
        Assert.NotNull(ShreddableStateSerializer.TryOpen(first, firstStored));
    }

    [Fact]
    public void An_altered_state_or_key_is_refused_by_name_not_read_as_garbage()
    {
        var (key, stored) = Write(Secret);
        var altered = (byte[])stored.Clone();
        altered[^1] ^= 0x01;
        var wrongKey = (byte[])key.Clone();
        wrongKey[0] ^= 0x01;

        Assert.Contains("altered", Assert.Throws<InvalidDataException>(() => Sealer.Deserialize<string>(Read(key, altered))).Message);
        Assert.Contains("altered", Assert.Throws<InvalidDataException>(() => Sealer.Deserialize<string>(Read(wrongKey, stored))).Message);
    }

    [Fact]
    public void A_sealed_state_without_its_key_says_its_key_is_gone()
    {
        var (_, stored) = Write(Secret);

        var error = Assert.Throws<InvalidDataException>(() => Sealer.Deserialize<string>(Read(null, stored)));
        Assert.Contains("key is gone", error.Message);
    }

    [Fact]
    public void A_state_an_earlier_version_stored_unsealed_still_reads()
    {
        var plain = Inner.Serialize(Secret).ToArray();

        Assert.Equal(Secret, Sealer.Deserialize<string>(Read(null, plain)));
    }
}
