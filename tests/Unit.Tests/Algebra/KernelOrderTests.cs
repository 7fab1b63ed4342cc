using Unlearning.Algebra;
using Unlearning.Learning;

namespace Unlearning.Tests.Algebra;

/// <summary>
/// The certified learner's fast kernels (bands, four rows or four sums at a time, paired solves) against the plain
/// loops they replace: the same bits, for sizes that leave every kind of remainder. Certified weights are checked
/// against each other bit for bit (a rebuild, verify), so a kernel that rounds differently breaks the product.
/// </summary>
public sealed class KernelOrderTests
{
    [Theory]
    [InlineData(1, 1)]
    [InlineData(7, 3)]
    [InlineData(33, 18)]
    [InlineData(37, 41)]
    [InlineData(303, 261)] // large enough for the bands to run in parallel
    public void A_weighted_gram_in_bands_has_the_bits_of_one_outer_product_per_row(int rows, int d)
    {
        var set = Rows(rows, d, seed: rows * 31 + d);
        var weights = Values(rows, seed: d);
        var plain = new double[d * d];
        for (var r = 0; r < rows; r++) PlainOuterUpper(plain, weights[r], set.Row(r));

        var banded = new double[d * d];
        SymmetricMatrix.AddWeightedGramUpper(banded, set, weights);
        var oneByOne = new double[d * d];
        for (var r = 0; r < rows; r++) SymmetricMatrix.AddOuterUpper(oneByOne, weights[r], set.Row(r));

        Assert.Equal(Bits(plain), Bits(banded));
        Assert.Equal(Bits(plain), Bits(oneByOne));
    }

    [Theory]
    [InlineData(1)]
    [InlineData(6)]
    [InlineData(31)]
    public void Factor_solves_and_quadratic_forms_have_the_bits_of_sequential_sums(int d)
    {
        var matrix = new double[d * d];
        SymmetricMatrix.AddWeightedGramUpper(matrix, Rows(d + 5, d, seed: d), [.. Values(d + 5, seed: 2).Select(v => Math.Abs(v) + 0.1)]);
        for (var j = 0; j < d; j++) matrix[j * d + j] += 0.5;
        SymmetricMatrix.MirrorUpper(matrix, d);
        var b1 = Values(d, seed: 3);
        var b2 = Values(d, seed: 4);

        var lower = PlainFactor(matrix, d);
        var factor = Cholesky.Factor(matrix, d);
        var x1 = new double[d];
        var x2 = new double[d];
        factor.Solve(b1, x1, b2, x2);

        Assert.Equal(Bits(PlainSolve(lower, d, b1)), Bits(factor.Solve(b1)));
        Assert.Equal(Bits(PlainSolve(lower, d, b1)), Bits(x1));
        Assert.Equal(Bits(PlainSolve(lower, d, b2)), Bits(x2));
        var plainForm = 0.0;
        for (var j = 0; j < d; j++)
        {
            var dot = 0.0;
            for (var k = 0; k < d; k++) dot += matrix[j * d + k] * b1[k];
            plainForm += b1[j] * dot;
        }
        Assert.Equal(BitConverter.DoubleToInt64Bits(plainForm), BitConverter.DoubleToInt64Bits(SymmetricMatrix.QuadraticForm(matrix, b1)));
    }

    private static void PlainOuterUpper(double[] matrix, double alpha, ReadOnlySpan<double> x)
    {
        var d = x.Length;
        for (var j = 0; j < d; j++)
        {
            var scaled = alpha * x[j];
            for (var k = j; k < d; k++) matrix[j * d + k] += scaled * x[k];
        }
    }

    private static double[] PlainFactor(double[] a, int d)
    {
        var l = new double[d * d];
        for (var j = 0; j < d; j++)
        {
            var pivot = 0.0;
            for (var k = 0; k < j; k++) pivot += l[j * d + k] * l[j * d + k];
            var diagonal = Math.Sqrt(a[j * d + j] - pivot);
            l[j * d + j] = diagonal;
            for (var i = j + 1; i < d; i++)
            {
                var sum = 0.0;
                for (var k = 0; k < j; k++) sum += l[i * d + k] * l[j * d + k];
                l[i * d + j] = (a[i * d + j] - sum) / diagonal;
            }
        }
        return l;
    }

    private static double[] PlainSolve(double[] l, int d, double[] b)
    {
        var x = (double[])b.Clone();
        for (var i = 0; i < d; i++)
        {
            var sum = 0.0;
            for (var k = 0; k < i; k++) sum += l[i * d + k] * x[k];
            x[i] = (x[i] - sum) / l[i * d + i];
        }
        for (var i = d - 1; i >= 0; i--)
        {
            var sum = x[i];
            for (var k = i + 1; k < d; k++) sum -= l[k * d + i] * x[k];
            x[i] = sum / l[i * d + i];
        }
        return x;
    }

    private static TrainingSet Rows(int rows, int d, int seed) => new(Values(rows * d, seed), new int[rows], d, 2);

    private static double[] Values(int count, int seed)
    {
        var random = new Random(seed);
        return [.. Enumerable.Range(0, count).Select(_ => random.NextDouble() * 2 - 1)];
    }

    private static long[] Bits(IEnumerable<double> values) => [.. values.Select(BitConverter.DoubleToInt64Bits)];
}
