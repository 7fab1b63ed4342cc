using Unlearning.Compliance;

namespace Unlearning.Tests.Compliance;

public sealed class SubjectKeyFileTests
{
    private static readonly string KeyA = Convert.ToBase64String(Enumerable.Range(0, 32).Select(i => (byte)i).ToArray());
    private static readonly string KeyB = Convert.ToBase64String(Enumerable.Range(0, 32).Select(i => (byte)(i + 100)).ToArray());

    [Fact]
    public void The_last_key_is_the_current_one_and_earlier_keys_hash_as_before()
    {
        var keys = SubjectKeyFile.Parse($"# rotated monthly\n2026-10 {KeyA}\n\n2026-11 {KeyB}\n", "keys");
        Assert.Equal(["2026-10", "2026-11"], keys.Select(k => k.Id));
        Assert.NotEqual(keys[0].Hash("P1"), keys[1].Hash("P1"));
        Assert.Equal(keys[0].Hash("P1"), SubjectKeyFile.Parse($"2026-10 {KeyA}", "keys")[0].Hash("P1"));
        Assert.Equal(64, keys[1].Hash("P1").Length);
    }

    [Theory]
    [InlineData("", "holds no key")]
    [InlineData("k1", "line 1: expected 'ID BASE64-KEY'")]
    [InlineData("k1 not-base64!", "line 1: the key of 'k1' is not base64")]
    [InlineData("k1 AAAA", "has 3 bytes; at least 32")]
    [InlineData("stored AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=", "reserved")]
    [InlineData("k/1 AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=", "must be 1 to 64 letters")]
    public void A_bad_file_is_refused_naming_the_line_and_never_a_key(string text, string problem)
    {
        var error = Assert.Throws<InvalidOperationException>(() => SubjectKeyFile.Parse(text, "keys"));
        Assert.Contains(problem, error.Message);
        Assert.DoesNotContain("AAAAAAAA", error.Message);
    }

    [Fact]
    public void A_key_id_given_twice_is_refused() =>
        Assert.Contains("appears twice", Assert.Throws<InvalidOperationException>(() => SubjectKeyFile.Parse($"a {KeyA}\na {KeyB}", "keys")).Message);
}
