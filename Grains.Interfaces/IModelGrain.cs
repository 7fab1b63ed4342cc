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

    /// <summary>Called by the model's shards whenever the weights they serve change.</summary>
    [Alias("OnShardChanged")] Task OnShardChanged(ShardSnapshot snapshot);
}
