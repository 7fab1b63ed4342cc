using Polly;

namespace Unlearning.Client.Calls;

/// <summary>
/// A model grain whose calls never leave the caller waiting on an answer that will not come. Every call stops when
/// <paramref name="stop"/> fires (a deadline, a lost connection, the caller). Reads go through the policy's resilience
/// pipeline: tried again, each attempt bounded, so a read sent to a silo that dies is answered by the model's next
/// activation. Writes are never tried again. Long writes (training, forgets, commits, analyses) are watched: when the
/// activation that took the call is gone, its answer never comes, and the call fails at once saying so. The call itself
/// may still have run.
/// </summary>
internal sealed class GuardedModelGrain(IModelGrain model, CancellationToken stop, CallPolicy policy) : IModelGrain
{
    private UnlearningResilienceOptions Settings => policy.Options;

    public Task<ModelConfig> GetConfig() => ReadAsync(static m => m.GetConfig());
    public Task<PredictionBatch> Predict(double[][] rows) => ReadAsync(rows, static (m, rows) => m.Predict(rows));
    public Task<EvaluationResult> Evaluate(double[][] rows, int[] labels) => ReadAsync((rows, labels), static (m, a) => m.Evaluate(a.rows, a.labels));
    public Task<ModelStatus> GetStatus() => ReadAsync(static m => m.GetStatus());
    public Task<CertificationStatus> GetCertification() => ReadAsync(static m => m.GetCertification());
    public Task<int[]> CountRecords(string[] subjects) => ReadAsync(subjects, static (m, subjects) => m.CountRecords(subjects));
    public Task<string> Activation() => ReadAsync(static m => m.Activation());

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

    private Task<T> ReadAsync<T>(Func<IModelGrain, Task<T>> read) => ReadAsync(read, static (m, read) => read(m));

    /// <summary>A call that changes nothing: through the read pipeline, which tries it again while it fails for want of an answer.</summary>
    private async Task<T> ReadAsync<TArgument, T>(TArgument argument, Func<IModelGrain, TArgument, Task<T>> read)
    {
        var context = ResilienceContextPool.Shared.Get(stop);
        try
        {
            ReadPipeline.Begin(context, policy.Time);
            return await policy.Reads.ExecuteAsync(
                static async (context, state) => await state.read(state.model, state.argument).WaitAsync(context.CancellationToken),
                context, (model, argument, read));
        }
        finally
        {
            ResilienceContextPool.Shared.Return(context);
        }
    }

    /// <summary>A long call, with the model's activation asked now and then: if it changes, or stops answering, the call is lost.</summary>
    private async Task<T> WatchedAsync<T>(Func<Task<T>> call)
    {
        var activation = await Activation();
        var running = call();
        var unanswered = 0;
        while (true)
        {
            await Task.WhenAny(running, Task.Delay(Settings.WatchInterval, policy.Time, stop));
            stop.ThrowIfCancellationRequested();
            if (running.IsCompleted) return await running;
            string now;
            try
            {
                now = await model.Activation().WaitAsync(Settings.ReadAttemptTimeout, policy.Time, stop);
            }
            catch (Exception error) when (ReadPipeline.IsUnanswered(error) && !stop.IsCancellationRequested)
            {
                if (++unanswered >= Settings.UnansweredChecks) throw new AnswerLostException("the model's silo stopped answering");
                continue;
            }
            unanswered = 0;
            if (now != activation) throw new AnswerLostException("the silo running the call went away and the model lives on another now");
        }
    }
}
