using Unlearning.Learning;
using Unlearning.Removal;

namespace Unlearning.Tests.Removal;

public sealed class UnitBallTransformTests
{
    [Fact]
    public void Rows_are_centred_scaled_and_projected_into_the_unit_ball()
    {
        var transform = new UnitBallTransform(2, centre: [1, 2], scale: [2, 4], intercept: false);
        var output = new double[2];

        transform.Apply([2, 3], output); // (0.5, 0.25): inside, kept
        Assert.Equal([0.5, 0.25], output);

        transform.Apply([9, 14], output); // (4, 3): norm 5, projected to (0.8, 0.6)
        Assert.Equal(0.8, output[0], 15);
        Assert.Equal(0.6, output[1], 15);
    }

    [Fact]
    public void The_bias_feature_is_a_constant_one_after_the_projection()
    {
        var transform = new UnitBallTransform(3, null, null, intercept: true);
        Assert.Equal(4, transform.OutputDimension);
        var set = transform.Apply(new TrainingSet([30, 40, 0, 0.1, 0.2, 0.2], [0, 1], 3, 2));
        Assert.Equal([0.6, 0.8, 0, 1], set.Row(0).ToArray());
        Assert.Equal([0.1, 0.2, 0.2, 1], set.Row(1).ToArray());
        Assert.Equal([0, 1], set.Labels);
    }

    [Fact]
    public void Bad_configuration_is_rejected()
    {
        Assert.Throws<ArgumentException>(() => new UnitBallTransform(2, [1], null, false));
        Assert.Throws<ArgumentException>(() => new UnitBallTransform(2, null, [1, 0], false));
        Assert.Throws<ArgumentException>(() => new UnitBallTransform(2, [double.NaN, 0], null, false));
        var transform = new UnitBallTransform(2, null, null, false);
        Assert.Throws<ArgumentException>(() => transform.Apply([1, double.PositiveInfinity], new double[2]));
        Assert.Throws<ArgumentException>(() => transform.Apply([1, 2, 3], new double[2]));
    }
}
