using Unlearning.Algebra;
using Unlearning.Learning;
using Unlearning.Tests.Support;

namespace Unlearning.Tests.Learning;

public sealed class BlockedObjectiveTests
{
    private static (double[] Rows, int[] Labels) Sample(int rows, int features, int classes, int seed)
    {
        var random = new Random(seed);
        var x = new double[rows * features];
        var y = new int[rows];
        for (var i = 0; i < rows; i++)
        {
            y[i] = random.Next(classes);
            for (var j = 0; j < features; j++) x[i * features + j] = random.NextDouble() * 2 - 1 + (j % classes == y[i] ? 0.5 : 0.0);
        }
        return (x, y);
    }

    private static (double Value, double[] Gradient) EvaluateOn(TaskScheduler scheduler, SoftmaxObjective objective, double[] w) =>
        Task.Factory.StartNew(() =>
        {
            var gradient = new double[w.Length];
            return (objective.Evaluate(w, gradient), gradient);
        }, CancellationToken.None, TaskCreationOptions.None, scheduler).Result;

    [Fact]
    public void The_bits_do_not_depend_on_how_many_threads_take_the_blocks()
    {
        var (rows, labels) = Sample(SoftmaxObjective.BlockRows * 8 + 17, 11, 4, seed: 5);
        var objective = new SoftmaxObjective(rows, labels, 11, 4, lambda: 0.01);
        var random = new Random(3);
        var w = Enumerable.Range(0, objective.ParameterCount).Select(_ => random.NextDouble() - 0.5).ToArray();

        var oneThread = EvaluateOn(new ConcurrentExclusiveSchedulerPair(TaskScheduler.Default, 1).ExclusiveScheduler, objective, w);
        var manyThreads = EvaluateOn(TaskScheduler.Default, objective, w);

        Assert.Equal(BitConverter.DoubleToInt64Bits(oneThread.Value), BitConverter.DoubleToInt64Bits(manyThreads.Value));
        Assert.Equal(oneThread.Gradient.Select(BitConverter.DoubleToInt64Bits), manyThreads.Gradient.Select(BitConverter.DoubleToInt64Bits));
    }

    [Fact]
    public void The_blocked_gradient_matches_finite_differences()
    {
        var (rows, labels) = Sample(SoftmaxObjective.BlockRows * 2 + 5, 6, 3, seed: 9);
        var objective = new SoftmaxObjective(rows, labels, 6, 3, lambda: 0.05);
        GradientCheck.MatchesFiniteDifferences(objective, seed: 2);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(4)]
    [InlineData(7)]
    [InlineData(784)]
    public void Vector_kernels_agree_with_the_scalar_loops(int length)
    {
        var random = new Random(length);
        var a = Enumerable.Range(0, length).Select(_ => random.NextDouble() - 0.5).ToArray();
        var b = Enumerable.Range(0, length).Select(_ => random.NextDouble() - 0.5).ToArray();
        var scalarDot = a.Zip(b).Sum(pair => pair.First * pair.Second);
        Assert.Equal(scalarDot, RowMath.Dot(a, b), 1e-12);

        var target = (double[])b.Clone();
        RowMath.AddScaled(target, 0.37, a);
        // Element-wise: exactly the scalar loop's bits.
        Assert.Equal(b.Select((v, j) => BitConverter.DoubleToInt64Bits(v + 0.37 * a[j])), target.Select(BitConverter.DoubleToInt64Bits));
    }
}
