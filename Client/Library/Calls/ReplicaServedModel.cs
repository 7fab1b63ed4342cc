namespace Unlearning.Client.Calls;

/// <summary>
/// A model's grain whose predictions are answered by <see cref="IModelReader"/>: the read replica of the silo the call
/// arrives at, so a prediction takes no hop to the silo of the model grain. Every other call goes to the model grain.
/// </summary>
internal sealed class ReplicaServedModel(IModelGrain model, IModelReader reader) : IModelGrain
{
    public static IModelGrain Of(IGrainFactory grains, string model) =>
        new ReplicaServedModel(grains.GetGrain<IModelGrain>(model), grains.GetGrain<IModelReader>(model));

    public Task<PredictionBatch> Predict(double[][] rows) => reader.Predict(rows);

    public Task<ModelConfig> Create(ModelConfig config) => model.Create(config);
    public Task<ModelConfig> GetConfig() => model.GetConfig();
    public Task<IngestResult> Ingest(DataRecord[] records) => model.Ingest(records);
    public Task<IngestResult> StageIngest(string ingestId, DataRecord[] records) => model.StageIngest(ingestId, records);
    public Task<IngestResult> CommitIngest(string ingestId) => model.CommitIngest(ingestId);
    public Task AbortIngest(string ingestId) => model.AbortIngest(ingestId);
    public Task<TrainResult> Train() => model.Train();
    public Task<EvaluationResult> Evaluate(double[][] rows, int[] labels) => model.Evaluate(rows, labels);
    public Task<ForgetReceipt> Forget(string subject) => model.Forget(subject);
    public Task<ModelStatus> GetStatus() => model.GetStatus();
    public Task<VerificationReport> Verify() => model.Verify();
    public Task<AuditPredictions> AuditPredictions(AuditRows forgotten, AuditRows holdout, int retainedSample) =>
        model.AuditPredictions(forgotten, holdout, retainedSample);
    public Task<CertificationStatus> GetCertification() => model.GetCertification();
    public Task<CallWatch> Watch(string call) => model.Watch(call);
    public Task<int[]> CountRecords(string[] subjects) => model.CountRecords(subjects);
    public Task<ExplanationBatch> Explain(double[][] rows, int top) => model.Explain(rows, top);
    public Task<DeleteResult> Delete() => model.Delete();
    public Task<ForgetEstimate> EstimateForget(string subject, double[][] probe) => model.EstimateForget(subject, probe);
}
