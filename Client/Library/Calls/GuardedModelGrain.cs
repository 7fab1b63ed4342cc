namespace Unlearning.Client.Calls;

/// <summary>
/// A model grain whose calls never leave the caller waiting on an answer that will not come. Every call stops when
/// <paramref name="session"/> stops (a deadline, a lost connection, the caller). Reads go through the policy's resilience
/// pipeline: tried again, each attempt bounded, so a read sent to a silo that dies is answered by the model's next
/// activation. Writes are never tried again. Long writes (training, forgets, commits, analyses) are watched: when the
/// activation that took the call is gone, its answer never comes, and the call fails at once saying so. The call itself
/// may still have run.
/// </summary>
internal sealed class GuardedModelGrain(IModelGrain model, CallSession session, CallPolicy policy) : IModelGrain
{
    /// <summary>A grain whose calls only <paramref name="stop"/> stops (no connection watched: a test's, the chaos run's).</summary>
    public GuardedModelGrain(IModelGrain model, CancellationToken stop, CallPolicy policy)
        : this(model, new CallSession(stop, CancellationToken.None, "(no connection watched)"), policy)
    {
    }

    public Task<ModelConfig> GetConfig() => ReadAsync(static m => m.GetConfig());
    public Task<PredictionBatch> Predict(double[][] rows) => ReadAsync(rows, static (m, rows) => m.Predict(rows));
    public Task<EvaluationResult> Evaluate(double[][] rows, int[] labels) => ReadAsync((rows, labels), static (m, a) => m.Evaluate(a.rows, a.labels));
    public Task<ModelStatus> GetStatus() => ReadAsync(static m => m.GetStatus());
    public Task<CertificationStatus> GetCertification() => ReadAsync(static m => m.GetCertification());
    public Task<int[]> CountRecords(string[] subjects) => ReadAsync(subjects, static (m, subjects) => m.CountRecords(subjects));
    public Task<CallWatch> Watch(string call) => ReadAsync(call, static (m, call) => m.Watch(call));

    public Task<ModelConfig> Create(ModelConfig config) => model.Create(config).WaitAsync(session.Stop);
    public Task<IngestResult> StageIngest(string ingestId, DataRecord[] records) => model.StageIngest(ingestId, records).WaitAsync(session.Stop);
    public Task AbortIngest(string ingestId) => model.AbortIngest(ingestId).WaitAsync(session.Stop);

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

    private Task<T> ReadAsync<T>(Func<IModelGrain, Task<T>> read) => policy.ReadAsync(model, read, static (m, read) => read(m), session);

    /// <summary>A call that changes nothing: tried again while it fails for want of an answer (<see cref="CallPolicy.ReadAsync"/>).</summary>
    private Task<T> ReadAsync<TArgument, T>(TArgument argument, Func<IModelGrain, TArgument, Task<T>> read) => policy.ReadAsync(model, argument, read, session);

    /// <summary>A long call, watched (<see cref="CallPolicy.WatchedAsync"/>): if the model's activation changes, or stops answering, the call is lost.</summary>
    private Task<T> WatchedAsync<T>(Func<Task<T>> call) => policy.WatchedAsync(model, static (m, id) => m.Watch(id), call, session, "model");
}
