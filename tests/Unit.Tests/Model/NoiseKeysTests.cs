using System.Security.Cryptography;
using Unlearning.Model;

namespace Unlearning.Tests.Model;

public sealed class NoiseKeysTests
{
    private static readonly CertifiedOptions Drawn = new(1, 1e-5, 1, null, null);

    [Fact]
    public void A_model_draws_a_fresh_secret_key()
    {
        var first = NoiseKeys.For(Drawn, new UnlearningOptions());
        var second = NoiseKeys.For(Drawn, new UnlearningOptions());
        Assert.Equal(32, first.Length);
        Assert.NotEqual(first, second);
    }

    [Fact]
    public void A_chosen_seed_is_refused_unless_the_test_only_option_allows_it()
    {
        var chosen = Drawn with { NoiseSeed = 42 };
        var refused = Assert.Throws<ArgumentException>(() => NoiseKeys.For(chosen, new UnlearningOptions()));
        Assert.Contains("AllowChosenNoiseSeed", refused.Message);
        var key = NoiseKeys.For(chosen, new UnlearningOptions { AllowChosenNoiseSeed = true });
        Assert.Equal(SHA256.HashData(BitConverter.GetBytes(42UL)), key);
    }
}
