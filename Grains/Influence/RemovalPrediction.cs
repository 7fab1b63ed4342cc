namespace Unlearning.Influence;

/// <summary>
/// The predicted effect of removing some training records: the parameter change in the standardised
/// space the objective lives in, and the served (raw-space) weights it leads to.
/// </summary>
/// <param name="Rows">The removed training rows (indices into the analysed set), ascending.</param>
/// <param name="RawWeightsBefore">The served weights the analysis was given.</param>
/// <param name="RawWeightsAfter">The served weights predicted after removal and refitting (same standardiser).</param>
public sealed record RemovalPrediction(IReadOnlyList<int> Rows, double[] StandardizedChange, double[] RawWeightsBefore, double[] RawWeightsAfter);
