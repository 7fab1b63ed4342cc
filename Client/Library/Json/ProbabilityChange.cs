namespace Unlearning.Client.Json;

/// <summary>How far a forget dry run moves predicted probabilities: absolute differences averaged over labels (and rows).</summary>
internal static class ProbabilityChange
{
    /// <summary>The mean over labels of |after - before| for one row.</summary>
    public static double Row(Prediction before, Prediction after)
    {
        var total = 0.0;
        for (var j = 0; j < before.Probabilities.Length; j++)
        {
            total += Math.Abs(after.Probabilities[j] - before.Probabilities[j]);
        }

        return before.Probabilities.Length == 0 ? 0 : total / before.Probabilities.Length;
    }

    /// <summary>The mean over rows and labels of |after - before|.</summary>
    public static double Mean(ForgetEstimate estimate) =>
        estimate.Before.Length == 0 ? 0 : estimate.Before.Select((before, i) => Row(before, estimate.After[i])).Average();
}
