using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Orleans.Concurrency;
using Orleans.Storage;
using Unlearning.Compute;
using Unlearning.Learning;
using Unlearning.Logging;
using Unlearning.Placement;
using Unlearning.Removal;
using Unlearning.Storage;
using Unlearning.Telemetry;
using Unlearning.Wire;

namespace Unlearning.Shard;

/// <summary>
/// One shard of a model: its records, checkpoints and served weights; how it learns and forgets is its
/// <see cref="IShardLearner"/> (exact SISA or certified removal). Reentrant so that it answers status, snapshots and forgets while a slice trains on
/// the thread pool; every state change happens in a grain turn, so turns never race.
/// </summary>
[Reentrant]
// Shards train on the CPU of the silo they live on: a model's shards spread over the silos (by membership, not load).
[ShardSpreadPlacement]
public sealed class ShardGrain : Grain, IShardGrain
{
    /// <summary>How many committed ingests a shard remembers, so a repeated commit answers with the same count.</summary>
    private const int RememberedCommits = 100;

    private readonly IPersistentState<ShardState> _state;
    private readonly UnlearningOptions _options;
    private readonly ILogger<ShardGrain> _logger;
    private readonly IGrainStorage _storage;
    private readonly UnlearningMetrics _metrics;
    private readonly CoalescingWriter _writer;
    private RecordStore _records = null!;
    // Ids of an ingest being stored: a concurrent batch with one of them is refused, not stored twice.
    private readonly HashSet<string> _arriving = new(StringComparer.Ordinal);
    private IShardLearner _learner = null!;
    private ForgetMethod _lastMethod = ForgetMethod.Exact;
    private double? _lastBound;
    private readonly List<TaskCompletionSource> _trainedWaiters = [];
    private Task _retraining = Task.CompletedTask;
    private CancellationTokenSource? _inFlight;
    private int _inFlightSlice;
    // Retraining waits until then: a burst of changes is still arriving.
    private DateTime _holdUntil;
    // Set by Delete: nothing may be computed or written afterwards.
    private bool _deleted;

    public ShardGrain(
        [PersistentState("shard", StorageNames.Shards)] IPersistentState<ShardState> state,
        [FromKeyedServices(StorageNames.Shards)] IGrainStorage storage,
        IOptions<UnlearningOptions> options,
        ILogger<ShardGrain> logger,
        UnlearningMetrics metrics)
    {
        _state = state;
        _metrics = metrics;
        _storage = storage;
        _options = options.Value;
        _logger = logger;
        _writer = new CoalescingWriter(() => _state.WriteStateAsync());
    }

    private ShardState State => _state.State;
    private string Key => this.GetPrimaryKeyString();
    private int Index { get; set; }
    private string ModelName => Key[..Key.LastIndexOf('/')];
    private bool FullyTrained => State.Config is { } config && State.Checkpoints.Count == config.Slices;

    public override async Task OnActivateAsync(CancellationToken cancellationToken)
    {
        // Parsed once: ingest checks every record's shard against it.
        Index = int.Parse(Key[(Key.LastIndexOf('/') + 1)..], System.Globalization.CultureInfo.InvariantCulture);
        _records = new RecordStore(_storage, this.GetGrainId());
        if (State.Config is null) return;
        _learner = CreateLearner(State.Config);
        // The shard's own row only: records are read when something needs them (EnsureRecordsAsync), so an activation
        // that serves weights to its model reads no chunk.
        if (await _records.ClearAbandonedAsync(State)) await _writer.WriteAsync();
        if (State.ForgetsUnwritten.Count > 0) await FinishUnwrittenForgetsAsync();
        await SettleStagedIngestsAsync();
        if (State.Trained && !FullyTrained) ScheduleRetraining();
        Report();
    }

    /// <summary>
    /// The shard stopped between a forget's two writes: the row has the weights and count without the subjects, some
    /// chunks may still hold them. Removes them from the chunks (again, where it was done) and counts what is held.
    /// </summary>
    private async Task FinishUnwrittenForgetsAsync()
    {
        await EnsureRecordsAsync();
        var removal = SubjectRemoval.Merge(_records.TakeSubjects(State.ForgetsUnwritten));
        if (removal.Chunks.Count > 0) await _records.RewriteAsync(removal, State);
        _logger.LogWarning("Shard {Shard} finished {Subjects} forgets interrupted by a stop: {Records} records were still in their chunks",
            Key, State.ForgetsUnwritten.Count, removal.Records.Length);
        State.ForgetsUnwritten.Clear();
        State.Records = _records.Count;
        await _writer.WriteAsync();
    }

    public override Task OnDeactivateAsync(DeactivationReason reason, CancellationToken cancellationToken)
    {
        _metrics.Shards.Remove(Key);
        return Task.CompletedTask;
    }

    /// <summary>Tells this silo's gauges what the shard is doing now; called after every change of state.</summary>
    private void Report()
    {
        if (State.Config is null) return;
        var budget = _learner.Budget;
        _metrics.Shards.Report(Key, new ShardReading(ModelName, ServingState, State.Records,
            budget is { Total: > 0 } ? budget.Spent / budget.Total : null));
    }

    private ShardServingState ServingState =>
        !State.Trained ? ShardServingState.Untrained : FullyTrained ? ShardServingState.Serving : ShardServingState.Retraining;

    /// <summary>
    /// Ingests staged before this activation may have been committed or aborted meanwhile (a commit that reached
    /// the model but not this shard, say): the model knows, so ask it. Unanswered, they wait for the model's next call.
    /// </summary>
    private async Task SettleStagedIngestsAsync()
    {
        foreach (var ingest in State.Staged.Select(s => s.Id).ToArray())
        {
            try
            {
                switch (await GrainFactory.GetGrain<IModelShardEvents>(ModelName).IngestOutcome(ingest))
                {
                    case IngestOutcome.Committed: await CommitIngest(ingest); break;
                    case IngestOutcome.Aborted: await AbortIngest(ingest); break;
                }
            }
            catch (Exception error)
            {
                _logger.LogWarning("Shard {Shard} could not settle a staged ingest at activation ({Error}); the model settles it later",
                    Key, error.GetType().Name);
            }
        }
    }

    public async Task<StageResult> Stage(ShardSetup setup, string ingestId, DataRecord[] records)
    {
        var config = await EnsureConfiguredAsync(setup);
        await EnsureRecordsAsync();
        var (fresh, unchanged) = StagedBatch.Classify(records, ingestId, config, Index, _arriving, r => Held(r, config));
        if (fresh.Length == 0) return new StageResult(0, unchanged);

        foreach (var record in fresh) _arriving.Add(record.Id);
        try
        {
            await PersistOrReloadAsync(async () =>
            {
                await _records.StageAsync(ingestId, fresh, r => Partitioning.SliceOf(r.Id, config.Slices), State, _writer.WriteAsync);
                await _writer.WriteAsync();
            });
        }
        finally
        {
            foreach (var record in fresh) _arriving.Remove(record.Id);
        }
        return new StageResult(fresh.Length, unchanged);
    }

    public async Task<CommitResult> CommitIngest(string ingestId)
    {
        if (State.Config is null) return new CommitResult(0, 0);
        if (!IsStaged(ingestId))
            return new CommitResult(State.Committed.Find(c => c.Id == ingestId)?.Records ?? 0, State.Records);
        await EnsureRecordsAsync();
        if (!IsStaged(ingestId))
            return new CommitResult(State.Committed.Find(c => c.Id == ingestId)?.Records ?? 0, State.Records);
        var committed = 0;
        await PersistOrReloadAsync(async () =>
        {
            (committed, var touched) = _records.Commit(ingestId, State);
            State.Records = _records.Count;
            State.Committed.Add(new CommittedIngest(ingestId, committed));
            if (State.Committed.Count > RememberedCommits) State.Committed.RemoveAt(0);
            if (touched.Count > 0)
            {
                // Ingests come in series: one retrain after the series, not one per ingest.
                HoldRetraining();
                Invalidate(touched.Min());
                _learner.RecordsAdded(State);
            }
            await _writer.WriteAsync();
        });
        if (State.Trained) ScheduleRetraining();
        _metrics.Ingested(ModelName, committed);
        Report();
        _logger.LogInformation("Shard {Shard} committed {Records} records", Key, committed);
        return new CommitResult(committed, State.Records);
    }

    public async Task AbortIngest(string ingestId)
    {
        if (State.Config is null || !IsStaged(ingestId)) return;
        await EnsureRecordsAsync();
        await PersistOrReloadAsync(async () =>
        {
            if (await _records.AbortAsync(ingestId, State)) await _writer.WriteAsync();
        });
    }

    public async Task<string[]> FindStored(ShardSetup setup, DataRecord[] records)
    {
        var config = await EnsureConfiguredAsync(setup);
        await EnsureRecordsAsync();
        return [.. records.Where(r => Held(r, config) is { Ingest: null, SameContent: true }).Select(r => r.Id)];
    }

    /// <summary>How this shard holds <paramref name="record"/>'s id already, or null; its records must be loaded.</summary>
    private HeldCopy? Held(DataRecord record, ModelConfig config) =>
        _records.Find(record.Id, Partitioning.SliceOf(record.Id, config.Slices)) is var (chunk, row, ingest)
            ? new HeldCopy(chunk.SameContent(row, record), ingest)
            : null;

    public async Task StartTraining(ShardSetup setup)
    {
        await EnsureConfiguredAsync(setup);
        // Asked to train now: no burst to wait for.
        _holdUntil = default;
        if (!State.Trained)
        {
            State.Trained = true;
            await _writer.WriteAsync();
        }
        ScheduleRetraining();
        Report();
    }

    public async Task<PilotMeasurement?[]> Calibrate(ShardSetup setup, CalibrationCandidate[] candidates)
    {
        var config = await EnsureConfiguredAsync(setup);
        if (config.Method != UnlearningMethod.Certified)
            throw new InvalidOperationException($"model '{config.Name}' uses exact unlearning: there is nothing to calibrate");
        // A snapshot of the records as they are now, safe off the grain's turn.
        await EnsureRecordsAsync();
        var rows = TrainingInput.ForPrefix(_records.Rows, config.Slices - 1, config);
        if (rows is null) return new PilotMeasurement?[candidates.Length];
        var pilot = await ComputeScheduler.Run(() => PilotData.Of(CertifiedConfig.Transform(config).Apply(rows.Set), rows.Ids));
        if (pilot is null) return new PilotMeasurement?[candidates.Length];
        return await Task.WhenAll(candidates.Select(candidate =>
            ComputeScheduler.Run<PilotMeasurement?>(() => PilotCalibration.Measure(pilot, candidate, Index))));
    }

    public Task<ShardSnapshot> WaitUntilTrained()
    {
        if (!State.Trained || FullyTrained) return Task.FromResult(Snapshot());
        ScheduleRetraining(); // restarts a loop that stopped on an error
        var waiter = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        _trainedWaiters.Add(waiter);
        return AwaitTrained(waiter.Task);

        async Task<ShardSnapshot> AwaitTrained(Task trained)
        {
            await trained;
            return Snapshot();
        }
    }

    public async Task<ForgetAcceptance[]> Forget(string[] subjects, bool moreComing)
    {
        using var span = Spans.ShardForget(ModelName, Index, subjects.Length);
        try
        {
            return await ForgetAsync(subjects, moreComing);
        }
        catch (Exception error)
        {
            span.Failed(error);
            throw;
        }
        finally
        {
            Report();
        }
    }

    private async Task<ForgetAcceptance[]> ForgetAsync(string[] subjects, bool moreComing)
    {
        var versionBefore = State.Version;
        if (State.Config is null) return [.. subjects.Select(_ => new ForgetAcceptance(0, 0, versionBefore, Snapshot()))];
        await EnsureRecordsAsync();
        var removals = _records.TakeSubjects(subjects);
        var removal = SubjectRemoval.Merge(removals);
        if (removal.Records.Length > 0)
        {
            State.ForgetsAccepted++;
            State.Records = _records.Count;
            if (moreComing) HoldRetraining();
            Invalidate(removal.FirstSlice);
            _learner.RecordsRemoved(removal.Records, State);
            // The served weights may have seen the subjects: fall back to the newest checkpoint that cannot have.
            Serve(State.Checkpoints.Count > 0 ? State.Checkpoints[^1].Weights : null);
        }
        if (removal.Chunks.Count > 0)
        {
            // Weights first, records second: a crash in between never leaves weights that saw records already gone, and
            // the row names the subjects whose chunks were being rewritten, so the next activation finishes the job
            // rather than leave a subject half removed and the count wrong.
            var unwritten = subjects.Where((_, i) => removals[i].Chunks.Count > 0).ToArray();
            State.ForgetsUnwritten.AddRange(unwritten);
            await PersistOrReloadAsync(async () =>
            {
                await _writer.WriteAsync();
                await _records.RewriteAsync(removal, State);
                foreach (var subject in unwritten) State.ForgetsUnwritten.Remove(subject);
                await _writer.WriteAsync();
            });
        }
        if (removal.Records.Length == 0)
            return [.. subjects.Select(_ => new ForgetAcceptance(0, 0, versionBefore, Snapshot()))];

        if (State.Trained) ScheduleRetraining();
        _logger.LogInformation("Shard {Shard} accepted {Subjects} forgets: {Records} records removed, retraining from slice {Slice}",
            Key, subjects.Length, removal.Records.Length, removal.FirstSlice);
        var serving = Snapshot();
        return [.. removals.Select(r => new ForgetAcceptance(
            r.Records.Length, State.Trained && r.Records.Length > 0 ? State.Config!.Slices - r.FirstSlice : 0, versionBefore, serving))];
    }

    public Task<ShardSnapshot> GetSnapshot() => Task.FromResult(Snapshot());

    public async Task<int[]> CountRecords(string[] subjects)
    {
        if (State.Config is null) return new int[subjects.Length];
        await EnsureRecordsAsync();
        return [.. subjects.Select(_records.CountOf)];
    }

    public Task<ShardStatus> GetStatus()
    {
        return Task.FromResult(new ShardStatus(
            Index, State.Records, State.Version, ServingState, RuntimeIdentity, [.. State.SliceTrainings], State.ForgetsAccepted));
    }

    public async Task<ShardVerification> Verify()
    {
        if (State.Config is not { } config) return new ShardVerification(Index, true, null, null, 0, State.Version);
        for (var attempt = 1; ; attempt++)
        {
            if (State.Trained) await WaitUntilTrained();
            var (version, served) = (State.Version, State.Serving);
            var stored = await _records.ReadStoredAsync(State, config.Slices);
            var check = await _learner.VerifyAsync(stored, served);
            // A change that landed meanwhile (a forget, an ingest) makes the comparison moot: check again.
            if (State.Version != version && attempt < 5) continue;
            return new ShardVerification(Index, check.Verified, WeightDigest.Of(served), check.Rebuilt is null ? null : WeightDigest.Of(check.Rebuilt),
                stored.Count, version, check.Residual, check.Bound);
        }
    }

    public async Task<DataRecord[]> SampleRecords(int count)
    {
        if (State.Config is null) return [];
        await EnsureRecordsAsync();
        return RecordSample.Of(_records.Rows, Math.Max(0, count));
    }


    public Task<ShardCertification> GetCertification()
    {
        var forecast = State.Config is null ? null : _learner.Forecast;
        return Task.FromResult(new ShardCertification(Index, State.Config is null ? null : _learner.Budget, State.NoiseRefits,
            forecast?.StepBound, forecast?.RemovalsLeft));
    }

    public async Task<Explanation[]> Explain(double[][] rows, int[] labels, int top)
    {
        if (State.Config is null) return [];
        await EnsureRecordsAsync();
        return await _learner.ExplainAsync(rows, labels, top, Serving());
    }

    public async Task<ShardForgetEstimate> EstimateForget(string subject)
    {
        if (State.Config is null) return new ShardForgetEstimate(0, null, ForgetMethod.Influence);
        await EnsureRecordsAsync();
        return await _learner.EstimateForgetAsync(_records.FindSubject(subject), Serving());
    }

    public async Task<int> Delete()
    {
        // Whatever trains now must not write its checkpoint back after the rows are gone.
        _deleted = true;
        _inFlight?.Cancel();
        if (State.Config is not null) await EnsureRecordsAsync();
        var held = await _records.DeleteAllAsync(State);
        await _state.ClearStateAsync();
        foreach (var waiter in _trainedWaiters) waiter.TrySetException(new KeyNotFoundException($"model {Quoted.Value(ModelName)} was deleted"));
        _trainedWaiters.Clear();
        DeactivateOnIdle();
        _logger.LogInformation("Shard {Shard} deleted with {Records} records", Key, held);
        return held;
    }

    /// <summary>
    /// Runs a change's writes; if one fails, memory may hold what storage does not, so the activation is
    /// dropped and the next call reloads what was stored.
    /// </summary>
    private async Task PersistOrReloadAsync(Func<Task> writes)
    {
        try
        {
            await writes();
        }
        catch
        {
            DeactivateOnIdle();
            throw;
        }
    }

    private ShardServing Serving() => new(State.Version, State.Serving, _records.Rows, State.Trained && FullyTrained);

    private bool IsStaged(string ingestId) => State.Staged.Exists(s => s.Id == ingestId);

    /// <summary>Reads the shard's records, once per activation; everything that works on records awaits it first.</summary>
    private Task EnsureRecordsAsync() => _records.EnsureLoadedAsync(State, State.Config!.Slices);

    private IShardLearner CreateLearner(ModelConfig config) => config.Method == UnlearningMethod.Certified
        ? new CertifiedLearner(config, Index, State)
        : new SisaLearner(config);

    private async Task<ModelConfig> EnsureConfiguredAsync(ShardSetup setup)
    {
        if (State.Config is { } configured)
        {
            if (!CompletesCalibration(configured, setup.Config)) return configured;
            // The model calibrated sigma (and lambda) at its first train: the one change a config ever makes.
            State.Config = setup.Config;
            _learner = CreateLearner(setup.Config);
            await _writer.WriteAsync();
            return setup.Config;
        }
        State.Config = setup.Config;
        State.NoiseKey = setup.NoiseKey;
        State.SliceTrainings = new int[setup.Config.Slices];
        _learner = CreateLearner(setup.Config);
        await EnsureRecordsAsync();
        return setup.Config;
    }

    /// <summary>Whether <paramref name="next"/> is <paramref name="current"/> with its pending calibration done.</summary>
    internal static bool CompletesCalibration(ModelConfig current, ModelConfig next) =>
        current.Certified is { AwaitsCalibration: true } && next.Certified is { Calibration: not null }
        && string.Equals(current.Name, next.Name, StringComparison.Ordinal) && current.Shards == next.Shards;

    /// <summary>Drops every checkpoint that trained on <paramref name="slice"/> or later, and stops computing one.</summary>
    private void Invalidate(int slice)
    {
        if (State.Checkpoints.Count > slice)
            State.Checkpoints.RemoveRange(slice, State.Checkpoints.Count - slice);
        if (_inFlight is not null && _inFlightSlice >= slice) _inFlight.Cancel();
    }

    private void Serve(double[]? weights)
    {
        State.Serving = weights;
        State.Version++;
    }

    private ShardSnapshot Snapshot() =>
        new(Index, State.Version, State.ForgetsAccepted, State.Serving, _lastMethod, _lastBound, _learner?.Budget?.Left, State.Records);

    private void ScheduleRetraining()
    {
        if (_retraining.IsCompleted) _retraining = RetrainAsync();
    }

    /// <summary>
    /// Computes missing checkpoints one slice at a time off the grain's turn. A change that invalidates
    /// the slice being computed cancels it; the loop then resumes from the new first missing slice, so
    /// forgets arriving during a retrain join it instead of queueing another.
    /// </summary>
    private async Task RetrainAsync()
    {
        // A retrain is no call: without this, an idle collection could end the activation mid-fit.
        DelayDeactivation(TimeSpan.MaxValue);
        try
        {
            await Task.Yield();
            await EnsureRecordsAsync();
            // Every await below lets changes in, so the condition is checked again after each one.
            Report();
            using var span = Spans.Retrain(ModelName, Index, State.Checkpoints.Count);
            try
            {
                while (!_deleted && State.Trained && !FullyTrained)
                {
                    await ComputeMissingCheckpointsAsync();
                    Report();
                    if (!FullyTrained) continue;
                    // Waiters first, push second: a waiter may be the model grain's own forget, and while that forget is
                    // in flight the model grain can be deactivating (its directory partition was on a silo that died),
                    // which holds the push until the forget ends: awaited the other way round, neither would end until
                    // the push timed out (10 minutes). The waiters get the new weights in their answer.
                    ReleaseTrainedWaiters();
                    await PublishAsync();
                }
            }
            catch (Exception error)
            {
                span.Failed(error);
                throw;
            }
        }
        catch (Exception error)
        {
            _logger.LogError("Shard {Shard} failed to retrain ({Error}); it reloads from storage on its next call", Key, ErrorDescription.Of(error));
            DeactivateOnIdle();
            foreach (var waiter in _trainedWaiters) waiter.TrySetException(error);
            _trainedWaiters.Clear();
            return;
        }
        finally
        {
            DelayDeactivation(TimeSpan.Zero);
        }
        ReleaseTrainedWaiters();
    }

    private void ReleaseTrainedWaiters()
    {
        foreach (var waiter in _trainedWaiters) waiter.TrySetResult();
        _trainedWaiters.Clear();
    }

    private void HoldRetraining() => _holdUntil = DateTime.UtcNow + _options.RetrainDelay;

    private async Task WaitForHoldAsync()
    {
        for (var wait = _holdUntil - DateTime.UtcNow; wait > TimeSpan.Zero; wait = _holdUntil - DateTime.UtcNow)
            await Task.Delay(wait);
    }

    private async Task ComputeMissingCheckpointsAsync()
    {
        var computed = false;
        while (!_deleted && State.Trained && !FullyTrained)
        {
            await WaitForHoldAsync();
            var slice = State.Checkpoints.Count;
            var checkpoint = _learner.Prepare(slice, _records.Rows, State.Checkpoints);
            using var cancellation = new CancellationTokenSource();
            _inFlight = cancellation;
            _inFlightSlice = slice;
            CheckpointResult result;
            using var span = Spans.Checkpoint(slice);
            using var fit = _metrics.FitQueued();
            try
            {
                result = await ComputeScheduler.Run(() =>
                {
                    fit.Started();
                    return checkpoint.Compute(cancellation.Token);
                });
            }
            catch (OperationCanceledException)
            {
                continue;
            }
            finally
            {
                _inFlight = null;
            }
            if (cancellation.IsCancellationRequested || State.Checkpoints.Count != slice) continue;

            State.Checkpoints.Add(new SliceCheckpoint(result.Weights));
            State.SliceTrainings[slice]++;
            checkpoint.Accept(State);
            (_lastMethod, _lastBound) = (result.Method, result.BoundSpent);
            computed = true;
        }
        if (!computed || _deleted) return;
        Serve(State.Checkpoints[^1].Weights);
        // One write for the whole retrain: a crash before it resumes from the clean prefix persisted when
        // the change was accepted.
        await _writer.WriteAsync();
    }

    private async Task PublishAsync()
    {
        try
        {
            await GrainFactory.GetGrain<IModelShardEvents>(ModelName).OnShardChanged(Snapshot());
        }
        catch (Exception error)
        {
            // The model pulls snapshots when it activates, so a lost push only delays an update.
            _logger.LogWarning("Shard {Shard} could not publish version {Version} ({Error})", Key, State.Version, ErrorDescription.Of(error));
        }
    }
}
