namespace Unlearning;

/// <summary>
/// The aggregator of one model, keyed by the model's name: holds the config, routes records and forgets
/// to shards, and answers predictions from the shards' current weights.
/// </summary>
[Alias("Unlearning.IModelGrain")]
public interface IModelGrain : IGrainWithStringKey
{
    [Alias("Create")] Task<ModelConfig> Create(ModelConfig config);
    [Alias("GetConfig")] Task<ModelConfig> GetConfig();
    [Alias("Ingest")] Task<IngestResult> Ingest(DataRecord[] records);
    [Alias("Train")] Task<TrainResult> Train();
    [Alias("Predict")] Task<PredictionBatch> Predict(double[][] rows);
    [Alias("Evaluate")] Task<EvaluationResult> Evaluate(double[][] rows, int[] labels);
    [Alias("Forget")] Task<ForgetReceipt> Forget(string subject);
    [Alias("GetStatus")] Task<ModelStatus> GetStatus();
    /// <summary>For each row, the training records that most raised and lowered its predicted label's loss.</summary>
    [Alias("Explain")] Task<ExplanationBatch> Explain(double[][] rows, int top);
    /// <summary>The estimated effect of forgetting <paramref name="subject"/> on predictions for <paramref name="probe"/>; changes nothing.</summary>
    [Alias("EstimateForget")] Task<ForgetEstimate> EstimateForget(string subject, double[][] probe);

    /// <summary>Called by the model's shards whenever the weights they serve change.</summary>
    [Alias("OnShardChanged")] Task OnShardChanged(ShardSnapshot snapshot);
}
