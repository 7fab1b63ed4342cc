using Unlearning.Algebra;

namespace Unlearning.Influence;

/// <summary>Conjugate gradients for A x = b with A symmetric positive definite, given only products A v.</summary>
internal static class ConjugateGradient
{
    public delegate void Product(ReadOnlySpan<double> v, Span<double> result);

    /// <summary>Iterates from x = 0 until |b - A x| &lt;= tolerance |b|; throws if that takes more than <paramref name="maxIterations"/>.</summary>
    public static double[] Solve(Product multiply, ReadOnlySpan<double> b, double tolerance, int maxIterations)
    {
        var size = b.Length;
        var x = new double[size];
        var residual = b.ToArray();
        var direction = b.ToArray();
        var product = new double[size];
        var squared = Vectors.Dot(residual, residual);
        var target = tolerance * tolerance * squared;
        for (var iteration = 0; squared > target; iteration++)
        {
            if (iteration == maxIterations)
                throw new InvalidOperationException($"conjugate gradients did not reach a relative residual of {tolerance} in {maxIterations} iterations");
            multiply(direction, product);
            var alpha = squared / Vectors.Dot(direction, product);
            Vectors.AddScaled(x, alpha, direction);
            Vectors.AddScaled(residual, -alpha, product);
            var next = Vectors.Dot(residual, residual);
            var beta = next / squared;
            for (var j = 0; j < size; j++) direction[j] = residual[j] + beta * direction[j];
            squared = next;
        }
        return x;
    }
}
