using Unlearning.Removal;

namespace Unlearning.Tests.Removal;

public sealed class CertificationSettingsTests
{
    [Theory]
    [InlineData(0.0, "epsilon")]
    [InlineData(-1.0, "epsilon")]
    [InlineData(double.NaN, "epsilon")]
    [InlineData(double.PositiveInfinity, "epsilon")]
    public void Epsilon_must_be_positive_and_finite(double epsilon, string parameter) =>
        AssertRejected(() => new CertificationSettings(1e-3, 1, epsilon, 1e-4), parameter, "epsilon must be");

    [Theory]
    [InlineData(0.0)]
    [InlineData(1.0)]
    [InlineData(-0.1)]
    [InlineData(1.5)]
    [InlineData(double.NaN)]
    public void Delta_must_lie_strictly_between_zero_and_one(double delta) =>
        AssertRejected(() => new CertificationSettings(1e-3, 1, 1, delta), "delta", "delta must lie strictly between 0 and 1");

    [Theory]
    [InlineData(0.0)]
    [InlineData(-2.0)]
    [InlineData(double.NaN)]
    public void Sigma_must_be_positive(double sigma) =>
        AssertRejected(() => new CertificationSettings(1e-3, sigma, 1, 1e-4), "sigma", "sigma (the noise standard deviation) must be");

    [Theory]
    [InlineData(0.0)]
    [InlineData(-1e-3)]
    [InlineData(double.PositiveInfinity)]
    public void Lambda_must_be_positive(double lambda) =>
        AssertRejected(() => new CertificationSettings(lambda, 1, 1, 1e-4), "lambda", "lambda (the L2 strength) must be");

    [Fact]
    public void The_budget_is_sigma_epsilon_over_c()
    {
        // c = sqrt(2 ln(1.5 / 1e-4)) = sqrt(2 ln 15000) = 4.3853861...
        var settings = new CertificationSettings(1e-3, sigma: 2, epsilon: 0.5, delta: 1e-4);
        Assert.Equal(1 / 4.3853861, settings.ResidualBudget, 7);
    }

    private static void AssertRejected(Func<CertificationSettings> create, string parameter, string message)
    {
        var error = Assert.Throws<ArgumentOutOfRangeException>(() => create());
        Assert.Equal(parameter, error.ParamName);
        Assert.Contains(message, error.Message);
    }
}
