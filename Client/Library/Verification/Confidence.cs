namespace Unlearning.Client.Verification;

/// <summary>How confident a probability vector is in a record's true class, on the scales the attacks use.</summary>
internal static class Confidence
{
    /// <summary>Probabilities are clamped to [Floor, 1 - Floor], so a saturated model gives finite scores.</summary>
    public const double Floor = 1e-12;

    /// <summary>log p_y: minus the cross-entropy loss.</summary>
    public static double LogLikelihood(double[] probabilities, int label) =>
        Math.Log(Math.Clamp(probabilities[label], Floor, 1));

    /// <summary>
    /// log p_y - log(1 - p_y), with 1 - p_y taken as the other classes' total: near p_y = 1 the subtraction
    /// would round away exactly the differences the logit scale is there to spread out.
    /// </summary>
    public static double Logit(double[] probabilities, int label)
    {
        var rest = 0.0;
        for (var c = 0; c < probabilities.Length; c++)
        {
            if (c != label) rest += probabilities[c];
        }
        return Math.Log(Math.Clamp(probabilities[label], Floor, 1 - Floor)) - Math.Log(Math.Clamp(rest, Floor, 1 - Floor));
    }
}
