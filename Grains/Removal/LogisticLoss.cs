using System.Runtime.Intrinsics;
using Unlearning.Algebra;

namespace Unlearning.Removal;

/// <summary>The logistic loss l(m) = log(1 + exp(-m)) of a margin m = y w.x, and its derivatives, without overflow.</summary>
internal static class LogisticLoss
{
    /// <summary>
    /// A bound on |l'''|, the Lipschitz constant of l'' that the removal bound needs. The exact supremum
    /// is 1/(6 sqrt 3), about 0.096; the paper uses 1/4, which we keep.
    /// </summary>
    public const double CurvatureLipschitz = 0.25;

    /// <summary>l(m), and -l'(m) as <see cref="NegativeSlope"/> gives it, from one exponential.</summary>
    public static double Value(double margin, out double negativeSlope)
    {
        var e = PortableMath.Exp(-Math.Abs(margin));
        if (margin >= 0)
        {
            negativeSlope = e / (1 + e);
            return PortableMath.Log(1 + e);
        }
        negativeSlope = 1 / (1 + e);
        return -margin + PortableMath.Log(1 + e);
    }

    /// <summary><see cref="Value(double, out double)"/> of four margins: the same bits as one at a time.</summary>
    public static Vector256<double> Value(Vector256<double> margin, out Vector256<double> negativeSlope)
    {
        var e = PortableMath.Exp(-Vector256.Abs(margin));
        var onePlus = Vector256<double>.One + e;
        var nonNegative = Vector256.GreaterThanOrEqual(margin, Vector256<double>.Zero);
        negativeSlope = Vector256.ConditionalSelect(nonNegative, e / onePlus, Vector256<double>.One / onePlus);
        var log = PortableMath.Log(onePlus);
        return Vector256.ConditionalSelect(nonNegative, log, -margin + log);
    }

    /// <summary>-l'(m) = sigmoid(-m), in (0, 1).</summary>
    public static double NegativeSlope(double margin)
    {
        if (margin >= 0)
        {
            var e = PortableMath.Exp(-margin);
            return e / (1 + e);
        }
        return 1 / (1 + PortableMath.Exp(margin));
    }

    /// <summary>l''(m) = sigmoid(m) sigmoid(-m), an even function of m.</summary>
    public static double Curvature(double margin)
    {
        var e = PortableMath.Exp(-Math.Abs(margin));
        return e / ((1 + e) * (1 + e));
    }

    /// <summary><see cref="Curvature(double)"/> of four margins: the same bits as one at a time.</summary>
    public static Vector256<double> Curvature(Vector256<double> margin)
    {
        var e = PortableMath.Exp(-Vector256.Abs(margin));
        var onePlus = Vector256<double>.One + e;
        return e / (onePlus * onePlus);
    }

    public static double Sigmoid(double score) => NegativeSlope(-score);
}
