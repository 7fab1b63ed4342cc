namespace Unlearning.Removal;

/// <summary>The logistic loss l(m) = log(1 + exp(-m)) of a margin m = y w.x, and its derivatives, without overflow.</summary>
internal static class LogisticLoss
{
    /// <summary>
    /// A bound on |l'''|, the Lipschitz constant of l'' that the removal bound needs. The exact supremum
    /// is 1/(6 sqrt 3), about 0.096; the paper uses 1/4, which we keep.
    /// </summary>
    public const double CurvatureLipschitz = 0.25;

    public static double Value(double margin) =>
        margin >= 0 ? Math.Log(1 + Math.Exp(-margin)) : -margin + Math.Log(1 + Math.Exp(margin));

    /// <summary>-l'(m) = sigmoid(-m), in (0, 1).</summary>
    public static double NegativeSlope(double margin)
    {
        if (margin >= 0)
        {
            var e = Math.Exp(-margin);
            return e / (1 + e);
        }
        return 1 / (1 + Math.Exp(margin));
    }

    /// <summary>l''(m) = sigmoid(m) sigmoid(-m), an even function of m.</summary>
    public static double Curvature(double margin)
    {
        var e = Math.Exp(-Math.Abs(margin));
        return e / ((1 + e) * (1 + e));
    }

    public static double Sigmoid(double score) => NegativeSlope(-score);
}
