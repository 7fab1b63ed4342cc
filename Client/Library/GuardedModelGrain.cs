namespace Unlearning.Client;

/// <summary>
/// A model grain whose every call stops waiting when <paramref name="stop"/> fires (a deadline, a lost connection, the
/// user): the caller is never left waiting on a call the cluster will not answer. The call itself may still run.
/// </summary>
internal sealed class GuardedModelGrain(IModelGrain model, CancellationToken stop) : IModelGrain
{
    public Task<ModelConfig> Create(ModelConfig config) => model.Create(config).WaitAsync(stop);
    public Task<ModelConfig> GetConfig() => model.GetConfig().WaitAsync(stop);
    public Task<IngestResult> Ingest(DataRecord[] records) => model.Ingest(records).WaitAsync(stop);
    public Task<IngestResult> StageIngest(string ingestId, DataRecord[] records) => model.StageIngest(ingestId, records).WaitAsync(stop);
    public Task<IngestResult> CommitIngest(string ingestId) => model.CommitIngest(ingestId).WaitAsync(stop);
    public Task AbortIngest(string ingestId) => model.AbortIngest(ingestId).WaitAsync(stop);
    public Task<TrainResult> Train() => model.Train().WaitAsync(stop);
    public Task<PredictionBatch> Predict(double[][] rows) => model.Predict(rows).WaitAsync(stop);
    public Task<EvaluationResult> Evaluate(double[][] rows, int[] labels) => model.Evaluate(rows, labels).WaitAsync(stop);
    public Task<ForgetReceipt> Forget(string subject) => model.Forget(subject).WaitAsync(stop);
    public Task<ModelStatus> GetStatus() => model.GetStatus().WaitAsync(stop);
    public Task<ExplanationBatch> Explain(double[][] rows, int top) => model.Explain(rows, top).WaitAsync(stop);
    public Task<ForgetEstimate> EstimateForget(string subject, double[][] probe) => model.EstimateForget(subject, probe).WaitAsync(stop);
}
