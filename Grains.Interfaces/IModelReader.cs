namespace Unlearning;

/// <summary>
/// Predictions from the silo the call arrives at: a stateless worker keyed by the model's name that serves a replica of
/// the model's ensemble held by that silo, so a prediction takes no hop to the silo of the model grain. The replica is
/// dropped on every silo before the model accepts a forget, so it never answers with weights that saw a forgotten record.
/// Answers as <see cref="IModelGrain.Predict"/> does.
/// </summary>
[Alias("Unlearning.IModelReader")]
public interface IModelReader : IGrainWithStringKey
{
    [RequiresRole(Roles.Reader, Action = "predict")]
    [Alias("Predict")] Task<PredictionBatch> Predict(double[][] rows);
}
