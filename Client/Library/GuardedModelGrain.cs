namespace Unlearning.Client;

/// <summary>
/// A model grain whose calls never leave the caller waiting on an answer that will not come. Every call stops when
/// <paramref name="stop"/> fires (a deadline, a lost connection, the user). Reads are tried again, each attempt bounded,
/// so a read sent to a silo that dies is answered by the model's next activation. Long writes (training, forgets,
/// commits, analyses) are watched: when the activation that took the call is gone, its answer never comes, and the
/// call fails at once saying so. The call itself may still have run.
/// </summary>
internal sealed class GuardedModelGrain(IModelGrain model, CancellationToken stop, GuardSettings? settings = null) : IModelGrain
{
    private readonly GuardedCalls _calls = new(model.Activation, stop, settings ?? GuardSettings.Default);

    public Task<ModelConfig> GetConfig() => ReadAsync(model.GetConfig);
    public Task<PredictionBatch> Predict(double[][] rows) => ReadAsync(() => model.Predict(rows));
    public Task<EvaluationResult> Evaluate(double[][] rows, int[] labels) => ReadAsync(() => model.Evaluate(rows, labels));
    public Task<ModelStatus> GetStatus() => ReadAsync(model.GetStatus);
    public Task<CertificationStatus> GetCertification() => ReadAsync(model.GetCertification);
    public Task<int[]> CountRecords(string[] subjects) => ReadAsync(() => model.CountRecords(subjects));
    public Task<string> Activation() => ReadAsync(model.Activation);

    public Task<ModelConfig> Create(ModelConfig config) => model.Create(config).WaitAsync(stop);
    public Task<IngestResult> StageIngest(string ingestId, DataRecord[] records) => model.StageIngest(ingestId, records).WaitAsync(stop);
    public Task AbortIngest(string ingestId) => model.AbortIngest(ingestId).WaitAsync(stop);

    public Task<IngestResult> Ingest(DataRecord[] records) => WatchedAsync(() => model.Ingest(records));
    public Task<IngestResult> CommitIngest(string ingestId) => WatchedAsync(() => model.CommitIngest(ingestId));
    public Task<TrainResult> Train() => WatchedAsync(model.Train);
    public Task<ForgetReceipt> Forget(string subject) => WatchedAsync(() => model.Forget(subject));
    public Task<ExplanationBatch> Explain(double[][] rows, int top) => WatchedAsync(() => model.Explain(rows, top));
    public Task<ForgetEstimate> EstimateForget(string subject, double[][] probe) => WatchedAsync(() => model.EstimateForget(subject, probe));
    public Task<VerificationReport> Verify() => WatchedAsync(model.Verify);
    public Task<DeleteResult> Delete() => WatchedAsync(model.Delete);
    public Task<AuditPredictions> AuditPredictions(AuditRows forgotten, AuditRows holdout, int retainedSample) =>
        WatchedAsync(() => model.AuditPredictions(forgotten, holdout, retainedSample));

    private Task<T> ReadAsync<T>(Func<Task<T>> read) => _calls.ReadAsync(read);

    private Task<T> WatchedAsync<T>(Func<Task<T>> call) => _calls.WatchedAsync(call);
}

/// <summary>How <see cref="GuardedModelGrain"/> bounds and watches calls.</summary>
internal sealed record GuardSettings(TimeSpan ReadAttempt, TimeSpan WatchEvery, int UnansweredChecks)
{
    public static readonly GuardSettings Default = new(TimeSpan.FromSeconds(15), TimeSpan.FromSeconds(3), 4);
}

/// <summary>A call whose answer will not come: the activation that took it is gone. It may have been carried out.</summary>
public sealed class AnswerLostException(string why) : Exception($"no answer will come: {why}");
