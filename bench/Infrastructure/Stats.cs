namespace Unlearning.Bench.Infrastructure;

public static class Stats
{
    public static double Median(IReadOnlyCollection<double> values)
    {
        if (values.Count == 0) return double.NaN;
        var sorted = values.Order().ToArray();
        var mid = sorted.Length / 2;
        return sorted.Length % 2 == 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
    }

    /// <summary>Nearest-rank percentile (p in 0..100) of <paramref name="sorted"/>, which must be sorted ascending.</summary>
    public static double PercentileOfSorted(IReadOnlyList<double> sorted, double p)
    {
        if (sorted.Count == 0) return double.NaN;
        var rank = (int)Math.Ceiling(p / 100.0 * sorted.Count);
        return sorted[Math.Clamp(rank - 1, 0, sorted.Count - 1)];
    }

    public static double Percentile(IEnumerable<double> values, double p) => PercentileOfSorted(values.Order().ToArray(), p);

    /// <summary>Least-squares slope and intercept of log(y) against log(x): y ~ e^a x^b.</summary>
    public static (double Slope, double Intercept) LogLogFit(IReadOnlyList<double> x, IReadOnlyList<double> y)
    {
        if (x.Count != y.Count) throw new ArgumentException("x and y differ in length");
        var points = x.Zip(y).Where(p => p.First > 0 && p.Second > 0).Select(p => (X: Math.Log(p.First), Y: Math.Log(p.Second))).ToArray();
        if (points.Length < 2) return (double.NaN, double.NaN);
        var mx = points.Average(p => p.X);
        var my = points.Average(p => p.Y);
        var sxy = points.Sum(p => (p.X - mx) * (p.Y - my));
        var sxx = points.Sum(p => (p.X - mx) * (p.X - mx));
        var slope = sxy / sxx;
        return (slope, my - slope * mx);
    }
}
