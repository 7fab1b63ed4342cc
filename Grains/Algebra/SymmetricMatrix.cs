using Unlearning.Learning;

namespace Unlearning.Algebra;

/// <summary>
/// Row-major symmetric d x d matrices built up in their upper triangle; every entry sums its terms in the order they
/// come, so sums are bit-reproducible (<see cref="RowMath"/>).
/// </summary>
internal static class SymmetricMatrix
{
    /// <summary>Adds alpha x x^T to the upper triangle (the lower one is left alone until <see cref="MirrorUpper"/>).</summary>
    public static void AddOuterUpper(Span<double> matrix, double alpha, ReadOnlySpan<double> x)
    {
        int d = x.Length;
        if (matrix.Length != d * d) throw new ArgumentException($"{matrix.Length} values for a {d}x{d} matrix");
        // Each entry gains alpha x_j x_k as (alpha x_j) x_k, added on its own: vector lanes give the scalar loop's bits.
        for (var j = 0; j < d; j++) RowMath.AddScaled(matrix.Slice(j * d + j, d - j), alpha * x[j], x[j..]);
    }

    /// <summary>
    /// Adds sum_r weights[r] x_r x_r^T over the rows x_r of <paramref name="rows"/> to the upper triangle: the bits of
    /// <see cref="AddOuterUpper"/> called row after row, as every entry still gains its terms in row order. A band of
    /// matrix rows at a time, so that the band stays in cache while the data rows pass (a 784-wide triangle is 2.4 MB);
    /// bands are independent, so large sums run them in parallel on the calling task's scheduler (a shard's compute
    /// threads during a fit) with the same bits on any number of threads.
    /// </summary>
    public static void AddWeightedGramUpper(double[] matrix, TrainingSet rows, double[] weights)
    {
        int d = rows.FeatureCount;
        if (matrix.Length != d * d) throw new ArgumentException($"{matrix.Length} values for a {d}x{d} matrix");
        if (weights.Length != rows.Rows) throw new ArgumentException($"{weights.Length} weights for {rows.Rows} rows");
        var bands = (d + Band - 1) / Band;
        if ((double)rows.Rows * d * d < ParallelWork)
        {
            for (var band = 0; band < bands; band++) AddBand(matrix, rows, weights, band);
            return;
        }
        Parallel.For(0, bands, new ParallelOptions { TaskScheduler = TaskScheduler.Current }, band => AddBand(matrix, rows, weights, band));
    }

    private const int Band = 16;

    // Multiply-adds below which one thread is quicker than handing bands out (wdbc's 31 features: every fit).
    private const double ParallelWork = 2e7;

    private static void AddBand(double[] matrix, TrainingSet rows, double[] weights, int band)
    {
        int d = rows.FeatureCount;
        var first = band * Band;
        var end = Math.Min(first + Band, d);
        var r = 0;
        // Four data rows at a time: each entry is loaded once, gains the four terms one after the other, and is
        // stored once, which is the same sequence of additions as row by row.
        for (; r + 3 < rows.Rows; r += 4)
        {
            ReadOnlySpan<double> x0 = rows.Row(r), x1 = rows.Row(r + 1), x2 = rows.Row(r + 2), x3 = rows.Row(r + 3);
            for (var j = first; j < end; j++)
            {
                RowMath.AddScaled4(matrix.AsSpan(j * d + j, d - j),
                    weights[r] * x0[j], x0[j..], weights[r + 1] * x1[j], x1[j..], weights[r + 2] * x2[j], x2[j..], weights[r + 3] * x3[j], x3[j..]);
            }
        }
        for (; r < rows.Rows; r++)
        {
            var x = rows.Row(r);
            var alpha = weights[r];
            for (var j = first; j < end; j++) RowMath.AddScaled(matrix.AsSpan(j * d + j, d - j), alpha * x[j], x[j..]);
        }
    }

    /// <summary>Copies the upper triangle onto the lower one.</summary>
    public static void MirrorUpper(Span<double> matrix, int d)
    {
        if (matrix.Length != d * d) throw new ArgumentException($"{matrix.Length} values for a {d}x{d} matrix");
        for (var j = 0; j < d; j++)
            for (var k = 0; k < j; k++) matrix[j * d + k] = matrix[k * d + j];
    }

    /// <summary>x^T A x for a full (mirrored) matrix.</summary>
    public static double QuadraticForm(ReadOnlySpan<double> matrix, ReadOnlySpan<double> x)
    {
        int d = x.Length;
        if (matrix.Length != d * d) throw new ArgumentException($"{matrix.Length} values for a {d}x{d} matrix");
        var sum = 0.0;
        var j = 0;
        // Four row dots at a time: independent sums, each in column order, added to the total in row order as before.
        for (; j + 3 < d; j += 4)
        {
            var (s0, s1, s2, s3) = Vectors.RowDots4(matrix, d, j, x);
            sum += x[j] * s0;
            sum += x[j + 1] * s1;
            sum += x[j + 2] * s2;
            sum += x[j + 3] * s3;
        }
        for (; j < d; j++) sum += x[j] * Vectors.Dot(matrix.Slice(j * d, d), x);
        return sum;
    }

    public static double Trace(ReadOnlySpan<double> matrix, int d)
    {
        var sum = 0.0;
        for (var j = 0; j < d; j++) sum += matrix[j * d + j];
        return sum;
    }
}
