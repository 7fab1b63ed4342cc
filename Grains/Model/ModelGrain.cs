using System.Diagnostics;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Orleans.Concurrency;
using Unlearning.Calls;
using Unlearning.Catalog;
using Unlearning.Compliance;
using Unlearning.Learning;
using Unlearning.Logging;
using Unlearning.Serving;
using Unlearning.Storage;
using Unlearning.Telemetry;
using Unlearning.Wire;

namespace Unlearning.Model;

/// <summary>
/// A model: its config, the routing of records and forgets to its shards, and the ensemble of the weights the
/// shards push, so a prediction costs no shard call. Reentrant: predictions are answered while forgets and
/// training wait on shards; every state change happens within one turn.
/// </summary>
[Reentrant]
public sealed class ModelGrain : Grain, IModelGrain, IModelShardEvents, IModelForgets, IModelServing
{
    private readonly IPersistentState<ModelState> _state;
    private readonly UnlearningOptions _options;
    private readonly IForgottenDataScrubber[] _scrubbers;
    private readonly ILogger<ModelGrain> _logger;
    private readonly TimeProvider _time;
    private readonly AuditTrail _audit;
    private readonly ReceiptIssuer _receipts;
    private readonly UnlearningMetrics _metrics;
    // Reentrant turns may write the row at once (a commit's decision, a sweep, train): one write at a time.
    private readonly CoalescingWriter _writer;
    private ModelShards _shards = null!;
    private ForgetBatcher[] _forgets = [];
    private IngestCoordinator _ingests = null!;
    private ShardHealth _health = null!;
    private Task? _loading;
    private readonly CallLedger _calls;
    private ModelCalibration _calibration = null!;
    private readonly ReplicaHosts _replicaHosts;
    private ReplicaInvalidation? _replicas;

    public ModelGrain(
        [PersistentState("model", StorageNames.Models)] IPersistentState<ModelState> state,
        IOptions<UnlearningOptions> options,
        IEnumerable<IForgottenDataScrubber> scrubbers,
        ILogger<ModelGrain> logger,
        TimeProvider time,
        AuditTrail audit,
        ReceiptSigner signer,
        UnlearningMetrics metrics,
        CallLedger calls,
        ReplicaHosts replicaHosts)
    {
        _replicaHosts = replicaHosts;
        _state = state;
        _calls = calls;
        _options = options.Value;
        _scrubbers = [.. scrubbers];
        _logger = logger;
        _time = time;
        _audit = audit;
        _receipts = new ReceiptIssuer(signer, audit, metrics);
        _metrics = metrics;
        _writer = new CoalescingWriter(() => _state.WriteStateAsync());
    }

    private string Name => this.GetPrimaryKeyString();

    /// <summary>This activation's side of the silos' read replicas of the ensemble.</summary>
    private ReplicaInvalidation Replicas => _replicas ??= new ReplicaInvalidation(Name, _replicaHosts);

    public async Task<ModelConfig> Create(ModelConfig config)
    {
        ConfigValidation.Validate(config, Name);
        if (_state.State.Config is { } existing)
        {
            // A create that failed after its first write (the catalog or the audit log out of reach) is finished by the
            // same create sent again; any other create of an existing model is refused.
            if (!_state.State.CreatePending || !ConfigValidation.SameRequest(existing, config))
                throw new InvalidOperationException($"model '{Name}' already exists");
            config = existing;
        }
        else
        {
            // The key is the secret; the config a client may read back holds no trace of it.
            if (config.Certified is { } certified) _state.State.NoiseKey = NoiseKeys.For(certified, _options);
            config = ConfigValidation.AsStored(config);
            _state.State.Config = config;
            _state.State.CreatePending = true;
            await _writer.WriteAsync();
        }
        await Catalog.Registered(Name, config.Method, config.Shards);
        _logger.LogInformation("Created model {Model} with {Shards} shards of {Slices} slices", Name, config.Shards, config.Slices);
        await _audit.CreatedAsync(Name, config);
        _state.State.CreatePending = false;
        await _writer.WriteAsync();
        return config;
    }

    public Task<ModelConfig> GetConfig() => Task.FromResult(RequireConfig());

    public async Task<IngestResult> Ingest(DataRecord[] records)
    {
        var ingestId = Guid.NewGuid().ToString("N");
        IngestResult staged;
        try
        {
            staged = await StageAsync(ingestId, records, oneShot: true);
        }
        catch
        {
            await _ingests.AbortQuietlyAsync(ingestId, "a batch was refused");
            throw;
        }
        return (await CommitIngest(ingestId)) with { Unchanged = staged.Unchanged };
    }

    public Task<IngestResult> StageIngest(string ingestId, DataRecord[] records) => StageAsync(ingestId, records, oneShot: false);

    private async Task<IngestResult> StageAsync(string ingestId, DataRecord[] records, bool oneShot)
    {
        var config = RequireConfig();
        RecordValidation.CheckIngestId(ingestId);
        RecordValidation.CheckBatchSize(records.Length, _options.MaxBatchRows);
        RecordValidation.CheckRecords(records, config);
        await EnsureLoadedAsync();
        await _ingests.OpenAsync(ingestId, oneShot);
        var byShard = records.GroupBy(r => Partitioning.ShardOf(r.Subject, config.Shards)).ToArray();
        _ingests.Sending(ingestId, byShard.Select(group => group.Key));
        // The subject index learns of the subjects before any of their records can be part of the model.
        var indexed = SubjectIndex.AddAsync(GrainFactory, Name, records);
        var results = await Task.WhenAll(byShard.Select(group => Shard(group.Key).Stage(Setup(config), ingestId, [.. group])));
        await indexed;
        return new IngestResult(results.Sum(r => r.Staged), _shards.Records, results.Sum(r => r.Unchanged));
    }

    public async Task<IngestResult> CommitIngest(string ingestId)
    {
        RequireConfig();
        RecordValidation.CheckIngestId(ingestId);
        await EnsureLoadedAsync();
        var accepted = await _ingests.CommitAsync(ingestId);
        await _audit.IngestedAsync(Name, accepted);
        return new IngestResult(accepted, _shards.Records);
    }

    public async Task AbortIngest(string ingestId)
    {
        RequireConfig();
        RecordValidation.CheckIngestId(ingestId);
        await EnsureLoadedAsync();
        await _ingests.AbortAsync(ingestId, "the client aborted it");
    }

    /// <summary>
    /// Answered from the stored state, without loading the shards: a shard asks while it activates, and a load would wait
    /// for that very shard's activation (a model and its shards reactivating together after a silo died deadlocked so).
    /// </summary>
    public Task<IngestOutcome> IngestOutcome(string ingestId) => Task.FromResult(_state.State.Config is null
        ? Wire.IngestOutcome.Aborted
        : IngestCoordinator.OutcomeIn(_state.State, ingestId));

    public async Task<TrainResult> Train()
    {
        var config = RequireConfig();
        await EnsureLoadedAsync();
        if (_shards.Records == 0)
            throw new InvalidOperationException($"model '{Name}' has no records to train on; ingest some first");
        var stopwatch = Stopwatch.StartNew();
        config = await _calibration.EnsureAsync(config, Setup(config), async calibrated =>
        {
            _state.State.Config = calibrated;
            await _state.WriteStateAsync();
        });
        if (!_state.State.Trained)
        {
            _state.State.Trained = true;
            await _writer.WriteAsync();
        }
        var snapshots = await Task.WhenAll(_shards.All.Select(async view =>
        {
            var shard = Shard(view.Index);
            await shard.StartTraining(Setup(config));
            return await shard.WaitUntilTrained();
        }));
        foreach (var snapshot in snapshots) _shards.Offer(snapshot);
        // Predictions through any silo's replica use the new weights once train returns.
        await Replicas.Settled;
        await _audit.TrainedAsync(Name, _shards.Records, _shards.Version);
        return new TrainResult(Name, _shards.Records, _shards.Current.Members.Length, _shards.Version, stopwatch.ElapsedMilliseconds);
    }

    public Task<PredictionBatch> Predict(double[][] rows)
    {
        var config = RequireConfig();
        RecordValidation.CheckRows(rows, config, _options.MaxBatchRows);
        var started = Stopwatch.GetTimestamp();
        // The common case answers in this turn, from the ensemble as it stands, without waiting for anything.
        if (_loading is { IsCompletedSuccessfully: true } && _shards.Current is { Members.Length: > 0 } ensemble)
        {
            var batch = PredictWith(ensemble, rows, config);
            _metrics.Predicted(Name, rows.Length, started);
            return Task.FromResult(batch);
        }
        return PredictWhenServingAsync(rows, config, started);
    }

    private async Task<PredictionBatch> PredictWhenServingAsync(double[][] rows, ModelConfig config, long started)
    {
        await EnsureLoadedAsync();
        var batch = await WithServingAsync(ensemble => PredictWith(ensemble, rows, config));
        _metrics.Predicted(Name, rows.Length, started);
        return batch;
    }

    private static PredictionBatch PredictWith(EnsembleView ensemble, double[][] rows, ModelConfig config) =>
        EnsemblePredictions.Batch(ensemble.Classifiers, config, rows, ensemble.Version, ensemble.Used);

    public async Task<ServingSet> GetServingSet()
    {
        var config = RequireConfig();
        await EnsureLoadedAsync();
        // The ensemble and the generation of the same turn: the set is as new as the last invalidation sent.
        return await WithServingAsync(ensemble => new ServingSet(
            config, [.. ensemble.Members.Select((view, i) => new ServedShard(ensemble.Used[i], view.Snapshot.Weights!))],
            ensemble.Version, Replicas.Epoch, Replicas.Served()));
    }

    public async Task<EvaluationResult> Evaluate(double[][] rows, int[] labels)
    {
        var config = RequireConfig();
        RecordValidation.CheckLabels(rows.Length, labels, config);
        var batch = await Predict(rows);
        return new EvaluationResult(Name, rows.Length, EnsemblePredictions.Accuracy(batch.Predictions, labels), batch.Version, batch.ShardsUsed.Length);
    }

    public async Task<ExplanationBatch> Explain(double[][] rows, int top)
    {
        var config = RequireConfig();
        if (config.Method != UnlearningMethod.Exact)
            throw new InvalidOperationException($"explain works on exact (SISA) models; model '{Name}' uses certified removal");
        if (!ModelLimits.IsValidTop(top)) throw new ArgumentException($"top must be between 1 and {ModelLimits.MaxTop}, not {top}");
        var predicted = await Predict(rows);
        var labels = predicted.Predictions.Select(p => p.Label).ToArray();
        var parts = await Task.WhenAll(predicted.ShardsUsed.Select(async used =>
            new ShardExplanations(used.Shard, await Shard(used.Shard).Explain(rows, labels, top))));
        return new ExplanationBatch(ExplanationMerge.Merge(labels, parts, 1.0 / parts.Length, top), predicted.Version);
    }

    public async Task<ForgetEstimate> EstimateForget(string subject, double[][] probe)
    {
        var config = RequireConfig();
        RecordValidation.CheckSubject(subject);
        RecordValidation.CheckRows(probe, config, _options.MaxBatchRows);
        await EnsureLoadedAsync();
        await ServingEnsembleAsync();
        var index = Partitioning.ShardOf(subject, config.Shards);
        var estimate = await Shard(index).EstimateForget(subject);
        return await WithServingAsync(ensemble =>
        {
            var after = DryRunEnsemble.After(
                [.. ensemble.Members.Select(view => (view.Index, view.Classifier!))], index, EnsembleMembers.Create(config, estimate.WeightsAfter));
            if (after.Count == 0)
                throw new InvalidOperationException($"forgetting this subject would leave model '{Name}' with no shard to predict with");
            return new ForgetEstimate(Name, subject, index, estimate.RecordsAffected, estimate.Method,
                EnsemblePredictions.Of(ensemble.Classifiers, config.Ensemble, config.ClassCount, probe),
                EnsemblePredictions.Of(after, config.Ensemble, config.ClassCount, probe), _shards.Version);
        });
    }

    public async Task<ForgetReceipt> Forget(string subject) => (await ForgetMany([subject], Guid.NewGuid().ToString("N")))[0];

    /// <summary>Forgets <paramref name="subjects"/>; every receipt names <paramref name="requestId"/> (a durable request's id, or a fresh one).</summary>
    public async Task<ForgetReceipt[]> ForgetMany(string[] subjects, string requestId)
    {
        var config = RequireConfig();
        RecordValidation.CheckBatchSize(subjects.Length, _options.MaxBatchRows);
        foreach (var subject in subjects) RecordValidation.CheckSubject(subject);
        using var span = Spans.Forget(Name);
        await EnsureLoadedAsync();
        string[] owners = [.. subjects.Select(subject => ShardKey.For(Name, Partitioning.ShardOf(subject, config.Shards))).Distinct()];
        foreach (var scrubber in _scrubbers) await scrubber.OweAsync(owners, CancellationToken.None);
        // Every forget goes to its shard's batcher at once, and those of one shard go in one call: they share its writes
        // and its retrain. (A forget that has to wait for the replicas first is sent when it gets there.)
        Task<CleanForget>[] cleanings;
        var gatherings = subjects.Length > 1 ? _forgets.Select(batcher => batcher.Gather()).ToArray() : [];
        try
        {
            cleanings = [.. subjects.Select(subject => CleanAsync(config, subject, requestId, span))];
        }
        finally
        {
            foreach (var gathering in gatherings) gathering.Dispose();
        }
        // The store is scrubbed while the receipts are signed and logged: the scrub waits for every retrain, not for a receipt.
        var scrubbed = ScrubWhenCleanedAsync(cleanings);
        // Each receipt is signed and logged once its subject is gone from what predictions use: neither delays compliance.
        var issued = Task.WhenAll(cleanings.Select(async (cleaning, i) =>
        {
            var clean = await cleaning;
            return await _receipts.IssueAsync(config, requestId, subjects[i], clean.Acceptance, clean.Final, clean.Elapsed, clean.CompliantAt,
                _shards.Current.Members.Length);
        }));
        try
        {
            return await issued;
        }
        finally
        {
            // Awaited after the receipts so that a forget's own failure is what the caller sees.
            if (issued.IsCompletedSuccessfully) await scrubbed;
            else _ = scrubbed.ContinueWith(static t => t.Exception, TaskScheduler.Default);
        }
    }

    /// <summary>Scrubs the shards that removed records once every forget of the call serves clean weights; none if one failed.</summary>
    private async Task ScrubWhenCleanedAsync(Task<CleanForget>[] cleanings)
    {
        var cleaned = await Task.WhenAll(cleanings);
        var touched = cleaned.Where(c => c.Acceptance.RecordsRemoved > 0).Select(c => ShardKey.For(Name, c.Final.Shard)).Distinct().ToArray();
        if (touched.Length > 0)
            foreach (var scrubber in _scrubbers) await scrubber.ScrubAsync(touched, CancellationToken.None);
    }

    /// <summary>A forget up to its receipt: what the shard accepted, what it serves now, and when.</summary>
    private readonly record struct CleanForget(ForgetAcceptance Acceptance, ShardSnapshot Final, TimeSpan Elapsed, DateTimeOffset CompliantAt);

    /// <summary>One subject's forget, up to the owning shard serving weights without it; the caller issues the receipt and scrubs.</summary>
    private async Task<CleanForget> CleanAsync(ModelConfig config, string subject, string requestId, Activity? span)
    {
        var stopwatch = Stopwatch.StartNew();
        var index = Partitioning.ShardOf(subject, config.Shards);
        var view = _shards[index];

        // From here on no prediction uses this shard until it confirms what it serves is clean.
        view.ForgetsInFlight++;
        _shards.Changed();
        // Nor any silo's read replica: each has dropped the ensemble it held, and fetches only newer ones.
        await Replicas.Settled;
        var compliantAt = _time.GetUtcNow();
        ForgetAcceptance acceptance;
        try
        {
            acceptance = await _forgets[index].Submit(subject);
            view.RequireForgetsAccepted(acceptance.Serving.ForgetsAccepted);
            // The acceptance says what the shard serves now: proof enough to end an earlier exclusion.
            view.Readmit();
            _shards.Offer(acceptance.Serving);
        }
        catch (Exception error)
        {
            span.Failed(error);
            // Unknown whether the shard removed the subject: it stays out until it says what it serves now.
            _health.Exclude(view, $"a forget failed midway ({error.GetType().Name}), so what it serves is unknown");
            throw;
        }
        finally
        {
            view.ForgetsInFlight--;
            _shards.Changed();
        }
        _logger.LogInformation("Forget {Request} on model {Model} ({Subject}): shard {Shard} removed {Records} records",
            requestId, Name, LogHash.Subject(subject), index, acceptance.RecordsRemoved);

        // The shard has removed and persisted the records and serves weights that never saw them.
        _metrics.Compliant(Name, stopwatch.Elapsed);

        var final = acceptance.Serving;
        if (acceptance.RecordsRemoved > 0)
        {
            using var receipt = Spans.Receipt(Name, index);
            try
            {
                if (_state.State.Trained)
                {
                    final = await Shard(index).WaitUntilTrained();
                    _shards.Offer(final);
                    await Replicas.Settled;
                }
            }
            catch (Exception error)
            {
                receipt.Failed(error);
                span.Failed(error);
                throw;
            }
        }
        return new CleanForget(acceptance, final, stopwatch.Elapsed, compliantAt);
    }

    public async Task<DeleteResult> Delete()
    {
        var config = RequireConfig();
        string[] keys = [Name, .. Enumerable.Range(0, config.Shards).Select(i => ShardKey.For(Name, i))];
        foreach (var scrubber in _scrubbers) await scrubber.OweAsync(keys, CancellationToken.None);
        // Shards first, the model's own row last: a delete cut short leaves the model listed, and deleting it again completes.
        var held = await Task.WhenAll(Enumerable.Range(0, config.Shards).Select(i => Shard(i).Delete()));
        await SubjectIndex.RemoveModelAsync(GrainFactory, Name);
        await Catalog.Deleted(Name);
        await _state.ClearStateAsync();
        Replicas.Invalidate();
        await Replicas.Settled;
        // PostgreSQL keeps dead versions of these rows until this scrub.
        foreach (var scrubber in _scrubbers) await scrubber.ScrubAsync(keys, CancellationToken.None);
        await _audit.DeletedAsync(Name);
        _logger.LogInformation("Deleted model {Model} with {Records} records in {Shards} shards", Name, held.Sum(), config.Shards);
        DeactivateOnIdle();
        return new DeleteResult(Name, held.Sum(), config.Shards);
    }

    public Task<CallWatch> Watch(string call) =>
        Task.FromResult(new CallWatch(GrainContext.ActivationId.ToString(), _calls.Progress(call, GrainContext.GrainId)));

    public async Task<int[]> CountRecords(string[] subjects)
    {
        var config = RequireConfig();
        RecordValidation.CheckBatchSize(subjects.Length, _options.MaxBatchRows);
        foreach (var subject in subjects) RecordValidation.CheckSubject(subject);
        var counts = new int[subjects.Length];
        var byShard = subjects.Select((subject, i) => (subject, i)).GroupBy(s => Partitioning.ShardOf(s.subject, config.Shards));
        await Task.WhenAll(byShard.Select(async group =>
        {
            var held = await Shard(group.Key).CountRecords([.. group.Select(s => s.subject)]);
            foreach (var ((_, i), count) in group.Zip(held)) counts[i] = count;
        }));
        return counts;
    }

    public async Task<VerificationReport> Verify()
    {
        var config = RequireConfig();
        if (!_state.State.Trained) throw new InvalidOperationException($"model '{Name}' is not trained yet; there is nothing to verify");
        var shards = await Task.WhenAll(Enumerable.Range(0, config.Shards).Select(i => Shard(i).Verify()));
        return new VerificationReport(Name, config.Method, shards, shards.All(s => s.Verified));
    }

    public async Task<AuditPredictions> AuditPredictions(AuditRows forgotten, AuditRows holdout, int retainedSample)
    {
        var config = RequireConfig();
        foreach (var rows in new[] { forgotten, holdout }) AuditedRows.Check(rows, config, _options.MaxBatchRows);
        RecordValidation.CheckBatchSize(retainedSample, _options.MaxBatchRows);
        await EnsureLoadedAsync();
        await ServingEnsembleAsync();
        var perShard = (retainedSample + config.Shards - 1) / config.Shards;
        var sampled = (await Task.WhenAll(Enumerable.Range(0, config.Shards).Select(i => Shard(i).SampleRecords(perShard)))).SelectMany(r => r).ToArray();
        var retained = new AuditRows([.. sampled.Select(r => r.Features)], [.. sampled.Select(r => r.Label)], [.. sampled.Select(r => r.Subject)]);
        var ensemble = _shards.Current;
        var members = _shards.All.Select(view => view.Classifier).ToArray();
        return new AuditPredictions(
            AuditedRows.Predict(forgotten, ensemble.Classifiers, members, config),
            AuditedRows.Predict(holdout, ensemble.Classifiers, members, config),
            AuditedRows.Predict(retained, ensemble.Classifiers, members, config));
    }

    public async Task<CertificationStatus> GetCertification()
    {
        var config = RequireConfig();
        if (config.Certified is not { } certified)
            throw new InvalidOperationException($"model '{Name}' uses exact unlearning: it has no certification budget");
        var shards = await Task.WhenAll(Enumerable.Range(0, config.Shards).Select(i => Shard(i).GetCertification()));
        return new CertificationStatus(Name, certified.Epsilon, certified.Delta, shards, certified.Sigma, config.Lambda, certified.Removals);
    }

    public async Task<ModelStatus> GetStatus()
    {
        var config = RequireConfig();
        await EnsureLoadedAsync();
        var shards = await Task.WhenAll(_shards.All.Select(_health.StatusOfAsync));
        return new ModelStatus(Name, shards.Sum(s => s.Records), _state.State.Trained, _shards.Version, shards,
            _shards.Current.Members.Length, _health.Alerts(), config);
    }

    public Task OnShardChanged(ShardSnapshot snapshot)
    {
        // Before the first load there is nothing to update: the load pulls every shard's snapshot.
        if (_loading is not null) _shards.Offer(snapshot);
        return Task.CompletedTask;
    }

    private ModelConfig RequireConfig() =>
        _state.State.Config ?? throw new KeyNotFoundException($"unknown model {Quoted.Value(Name)}: it does not exist (or was deleted)");

    private IModelCatalogEvents Catalog => GrainFactory.GetGrain<IModelCatalogEvents>(IModelCatalog.Key);

    private IShardGrain Shard(int index) => GrainFactory.GetGrain<IShardGrain>(ShardKey.For(Name, index));

    private ShardSetup Setup(ModelConfig config) => new(config, _state.State.NoiseKey);

    /// <summary>The ensemble a prediction may use now; waits while every shard is between weights.</summary>
    private Task<EnsembleView> ServingEnsembleAsync() =>
        _state.State.Trained
            ? _shards.ServingAsync(_options.PredictionWait, Name)
            : _shards.Current is { Members.Length: > 0 } ensemble
                ? Task.FromResult(ensemble)
                : throw new InvalidOperationException($"model '{Name}' is not trained yet; run train first");

    /// <summary>
    /// Runs <paramref name="use"/> on the ensemble a prediction may use, in the turn that reads it (at once when there is
    /// one). An await lets other turns run, a forget's among them, so an ensemble found before one may hold weights the
    /// forget took out: whatever is computed from it must be computed before the next await.
    /// </summary>
    private ValueTask<T> WithServingAsync<T>(Func<EnsembleView, T> use)
    {
        var ensemble = _shards.Current;
        return ensemble.Members.Length > 0 ? ValueTask.FromResult(use(ensemble)) : WaitThenAsync(use);
    }

    private async ValueTask<T> WaitThenAsync<T>(Func<EnsembleView, T> use)
    {
        while (true)
        {
            await ServingEnsembleAsync();
            var ensemble = _shards.Current;
            if (ensemble.Members.Length > 0) return use(ensemble);
        }
    }

    private Task EnsureLoadedAsync()
    {
        if (_loading is null || _loading.IsFaulted || _loading.IsCanceled) _loading = LoadAsync();
        return _loading;
    }

    /// <summary>Pulls every shard's snapshot: the model persists no weights of its own.</summary>
    private async Task LoadAsync()
    {
        var config = RequireConfig();
        if (_forgets.Length == 0)
        {
            _shards = new ModelShards(config, _time, Replicas.Invalidate);
            _health = new ShardHealth(Name, _shards, Shard, _options, _time, _logger);
            _calibration = new ModelCalibration(Name, Shard, _logger);
            _forgets = [.. Enumerable.Range(0, config.Shards).Select(i =>
                new ForgetBatcher(Shard(i).Forget, sending => _shards.ForgetsInFlight > sending))];
            _ingests = new IngestCoordinator(_state.State, config.Shards, Shard, _writer.WriteAsync,
                (shard, records) => _shards[shard].Records = records, _options, _time, _logger);
            this.RegisterGrainTimer(SweepAsync, new GrainTimerCreationOptions(_options.SweepInterval, _options.SweepInterval) { Interleave = true });
        }
        foreach (var snapshot in await Task.WhenAll(_shards.All.Select(view => Shard(view.Index).GetSnapshot())))
            _shards.Offer(snapshot);
        // A model created before the catalog existed (or whose listing was cut short) is listed when it next activates.
        _ = RegisterQuietlyAsync(config);
        // Ingests decided before a restart are carried to their shards now, not at the first sweep.
        _ = SweepAsync();
    }

    private async Task RegisterQuietlyAsync(ModelConfig config)
    {
        try
        {
            await Catalog.Registered(Name, config.Method, config.Shards);
        }
        catch (Exception error)
        {
            _logger.LogWarning("Model {Model} could not list itself in the catalog ({Error})", Name, ErrorDescription.Of(error));
        }
    }

    /// <summary>The model's periodic upkeep: absent shards reported, stale ingests expired, decided ones settled.</summary>
    private async Task SweepAsync()
    {
        _health.ReportLongAbsences();
        try
        {
            await _ingests.SweepAsync();
        }
        catch (Exception error)
        {
            _logger.LogWarning("Model {Model}: ingest upkeep failed ({Error}); retrying at the next sweep", Name, ErrorDescription.Of(error));
        }
    }
}
