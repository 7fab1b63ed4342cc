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
    /// <summary>Returns when every shard serves; training time grows with the data, so this call may take hours.</summary>
    [Alias("Train"), ResponseTimeout(LongRunning.Timeout)] Task<TrainResult> Train();
    [Alias("Predict")] Task<PredictionBatch> Predict(double[][] rows);
    [Alias("Evaluate")] Task<EvaluationResult> Evaluate(double[][] rows, int[] labels);
    /// <summary>Returns when the owning shard serves weights retrained without the subject.</summary>
    [Alias("Forget"), ResponseTimeout(LongRunning.Timeout)] Task<ForgetReceipt> Forget(string subject);
    [Alias("GetStatus")] Task<ModelStatus> GetStatus();
    /// <summary>For each row, the training records that most raised and lowered its predicted label's loss.</summary>
    [Alias("Explain"), ResponseTimeout(LongRunning.Timeout)] Task<ExplanationBatch> Explain(double[][] rows, int top);
    /// <summary>The estimated effect of forgetting <paramref name="subject"/> on predictions for <paramref name="probe"/>; changes nothing.</summary>
    [Alias("EstimateForget"), ResponseTimeout(LongRunning.Timeout)] Task<ForgetEstimate> EstimateForget(string subject, double[][] probe);

    /// <summary>Called by the model's shards whenever the weights they serve change.</summary>
    [Alias("OnShardChanged")] Task OnShardChanged(ShardSnapshot snapshot);
}

/// <summary>
/// Calls that wait for training (train, forget, and the shard calls behind them) or for an influence analysis
/// take as long as the data demands, far beyond Orleans' default response timeout; everything else keeps it.
/// </summary>
public static class LongRunning
{
    public const string Timeout = "1.00:00:00";
}
