using Unlearning.Algebra;
using Unlearning.Learning;

namespace Unlearning.Removal;

/// <summary>A certified upper bound on the spectral norm |X|_2 of a data matrix (its largest singular value).</summary>
internal static class SpectralNorm
{
    /// <summary>Slack that covers the rounding of the Cholesky test (relative, far above d * machine epsilon).</summary>
    private const double RoundingSlack = 1e-9;

    public static double UpperBound(TrainingSet rows)
    {
        int d = rows.FeatureCount;
        var gram = new double[d * d];
        for (var i = 0; i < rows.Rows; i++) SymmetricMatrix.AddOuterUpper(gram, 1.0, rows.Row(i));
        SymmetricMatrix.MirrorUpper(gram, d);
        return FromGram(gram, d);
    }

    /// <summary>
    /// Power iteration on the Gram matrix G = X^T X (full, row-major) estimates its top eigenvalue from below; the
    /// estimate is then raised until t I - G passes a Cholesky factorisation, which proves t >= lambda_max(G).
    /// </summary>
    public static double FromGram(ReadOnlySpan<double> gram, int d)
    {
        var estimate = PowerIteration(gram, d);
        var scale = Math.Max(estimate, SymmetricMatrix.Trace(gram, d) / d);
        var gap = RoundingSlack * scale + double.Epsilon;
        var shifted = new double[d * d];
        while (true)
        {
            var t = estimate + gap;
            for (var j = 0; j < d * d; j++) shifted[j] = -gram[j];
            for (var j = 0; j < d; j++) shifted[j * d + j] += t;
            if (Cholesky.TryFactor(shifted, d) is not null) return Math.Sqrt(t);
            gap *= 4;
        }
    }

    private static double PowerIteration(ReadOnlySpan<double> gram, int d)
    {
        var v = new double[d];
        var next = new double[d];
        Array.Fill(v, 1 / Math.Sqrt(d));
        var rayleigh = 0.0;
        for (var iteration = 0; iteration < 500; iteration++)
        {
            for (var j = 0; j < d; j++) next[j] = Vectors.Dot(gram.Slice(j * d, d), v);
            var previous = rayleigh;
            rayleigh = Vectors.Dot(v, next);
            var norm = Vectors.Norm(next);
            if (norm == 0) return 0;
            for (var j = 0; j < d; j++) v[j] = next[j] / norm;
            if (Math.Abs(rayleigh - previous) <= 1e-12 * rayleigh) break;
        }
        return rayleigh;
    }
}
