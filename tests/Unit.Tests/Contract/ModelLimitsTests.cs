namespace Unlearning.Tests.Contract;

public sealed class ModelLimitsTests
{
    [Theory]
    [InlineData("wdbc", true)]
    [InlineData("a.b-c_1", true)]
    [InlineData("", false)]
    [InlineData("has space", false)]
    [InlineData("slash/no", false)]
    [InlineData("é", false)]
    public void Model_names(string name, bool valid) => Assert.Equal(valid, ModelLimits.IsValidName(name));

    [Fact]
    public void Bounds()
    {
        Assert.True(ModelLimits.IsValidName(new string('m', ModelLimits.MaxNameLength)));
        Assert.False(ModelLimits.IsValidName(new string('m', ModelLimits.MaxNameLength + 1)));
        Assert.True(ModelLimits.IsValidId(new string('i', ModelLimits.MaxIdLength)));
        Assert.False(ModelLimits.IsValidId(new string('i', ModelLimits.MaxIdLength + 1)));
        Assert.False(ModelLimits.IsValidId(""));
        Assert.False(ModelLimits.IsValidLambda(0));
        Assert.False(ModelLimits.IsValidLambda(double.PositiveInfinity));
        Assert.True(ModelLimits.IsValidLambda(1e-9));
        Assert.True(ModelLimits.IsValidTop(ModelLimits.MaxTop));
        Assert.False(ModelLimits.IsValidTop(ModelLimits.MaxTop + 1));
        Assert.True(ModelLimits.IsValidRemovals(1));
        Assert.True(ModelLimits.IsValidRemovals(1_000_000));
        Assert.False(ModelLimits.IsValidRemovals(0));
        Assert.False(ModelLimits.IsValidRemovals(1_000_001));
    }
}
