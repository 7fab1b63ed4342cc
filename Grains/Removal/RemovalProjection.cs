namespace Unlearning.Removal;

/// <summary>
/// How many more single-record removals a certified model's budget covers, when removals go on as they have (or as the
/// calibration measured): each adds, on average, <c>rates[m]</c> to binary model m's residual bound. The binary models'
/// bounds add in quadrature (<see cref="CertifiedModel.ResidualBound"/>), so the total after N more removals is
/// |residuals + N rates|, and the answer is the largest N that keeps it within the budget. Removals of records of
/// different classes load different binary models, so the total grows by |mean step| per removal: less than the mean
/// of the steps' own norms, the rate that treating every removal on its own would assume.
/// </summary>
public static class RemovalProjection
{
    /// <summary>Steps a shard's own mean rates must rest on before they replace the calibration's.</summary>
    public const int ObservedSteps = 10;

    /// <summary>Past this the answer is "as many as anyone will ask for".</summary>
    public const long Unbounded = 1_000_000_000_000;

    /// <summary>What one removal adds to the total, on average: |rates|.</summary>
    public static double Rate(IReadOnlyList<double> rates)
    {
        ArgumentNullException.ThrowIfNull(rates);
        var squares = 0.0;
        foreach (var rate in rates) squares += rate * rate;
        return Math.Sqrt(squares);
    }

    /// <summary>The largest N with |residuals + N rates| &lt;= budget (0 when the budget is spent); null when the rates are all 0.</summary>
    public static long? RemovalsLeft(IReadOnlyList<double> residuals, IReadOnlyList<double> rates, double budget)
    {
        ArgumentNullException.ThrowIfNull(residuals);
        ArgumentNullException.ThrowIfNull(rates);
        if (residuals.Count != rates.Count)
            throw new ArgumentException($"{rates.Count} rates for {residuals.Count} binary models", nameof(rates));
        double a = 0, b = 0, c = -budget * budget;
        for (var m = 0; m < rates.Count; m++)
        {
            if (!(rates[m] >= 0 && double.IsFinite(rates[m]))) throw new ArgumentOutOfRangeException(nameof(rates), rates[m], "must be finite and >= 0");
            a += rates[m] * rates[m];
            b += residuals[m] * rates[m];
            c += residuals[m] * residuals[m];
        }
        if (a == 0) return null;
        if (c > 0) return 0;
        // a N^2 + 2 b N + c = 0, c <= 0: the one root >= 0.
        var root = (-b + Math.Sqrt(b * b - a * c)) / a;
        return root >= Unbounded ? Unbounded : Math.Max(0, (long)Math.Floor(root));
    }
}
