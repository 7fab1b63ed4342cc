namespace Unlearning.Algebra;

/// <summary>
/// Row-major symmetric d x d matrices built up in their upper triangle, in the plain sequential loops of
/// <see cref="Vectors"/> so sums are bit-reproducible.
/// </summary>
internal static class SymmetricMatrix
{
    /// <summary>Adds alpha x x^T to the upper triangle (the lower one is left alone until <see cref="MirrorUpper"/>).</summary>
    public static void AddOuterUpper(Span<double> matrix, double alpha, ReadOnlySpan<double> x)
    {
        int d = x.Length;
        if (matrix.Length != d * d) throw new ArgumentException($"{matrix.Length} values for a {d}x{d} matrix");
        for (var j = 0; j < d; j++)
        {
            var scaled = alpha * x[j];
            for (var k = j; k < d; k++) matrix[j * d + k] += scaled * x[k];
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
        for (var j = 0; j < d; j++) sum += x[j] * Vectors.Dot(matrix.Slice(j * d, d), x);
        return sum;
    }

    public static double Trace(ReadOnlySpan<double> matrix, int d)
    {
        var sum = 0.0;
        for (var j = 0; j < d; j++) sum += matrix[j * d + j];
        return sum;
    }
}
