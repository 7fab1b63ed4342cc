using Unlearning.Client.Security;

namespace Unlearning.Tests.Security;

public sealed class TokenLifetimeTests
{
    [Theory]
    [InlineData("45s", 45)]
    [InlineData("30m", 30 * 60)]
    [InlineData("1h", 3600)]
    [InlineData("7d", 7 * 86400)]
    [InlineData("720h", 30 * 86400)]
    [InlineData("30d", 30 * 86400)]
    public void Parses_a_number_and_a_unit(string text, int seconds)
    {
        Assert.True(TokenLifetime.TryParse(text, out var lifetime, out var problem), problem);
        Assert.Equal(TimeSpan.FromSeconds(seconds), lifetime);
    }

    [Theory]
    [InlineData("", "not a lifetime")]
    [InlineData("h", "not a lifetime")]
    [InlineData("1", "not a lifetime")]
    [InlineData("-1h", "not a lifetime")]
    [InlineData("1.5h", "not a lifetime")]
    [InlineData("1w", "no unit")]
    [InlineData("0m", "positive")]
    [InlineData("31d", "longer than the maximum of 30d")]
    [InlineData("721h", "longer than the maximum of 30d")]
    [InlineData("99999999999999999999d", "not a lifetime")]
    public void Refuses_other_text_with_a_reason(string text, string reason)
    {
        Assert.False(TokenLifetime.TryParse(text, out _, out var problem));
        Assert.Contains(reason, problem);
    }

    [Theory]
    [InlineData(7 * 86400, "7d")]
    [InlineData(36 * 3600, "36h")]
    [InlineData(90 * 60, "90m")]
    [InlineData(45, "45s")]
    public void Formats_in_the_largest_exact_unit(int seconds, string text) =>
        Assert.Equal(text, TokenLifetime.Format(TimeSpan.FromSeconds(seconds)));
}
