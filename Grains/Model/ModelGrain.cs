using System.Diagnostics;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Orleans.Concurrency;
using Unlearning.Learning;
using Unlearning.Storage;

namespace Unlearning.Model;

/// <summary>
/// The aggregator of one model. Reentrant: predictions are answered while forgets and training wait on
/// shards. Holds each shard's current weights (pushed by the shards), so a prediction costs no shard call.
/// </summary>
[Reentrant]
public sealed class ModelGrain : Grain, IModelGrain
{
    private readonly IPersistentState<ModelState> _state;
    private readonly UnlearningOptions _options;
    private readonly IForgottenDataScrubber[] _scrubbers;
    private readonly ILogger<ModelGrain> _logger;
    private const int MaxTop = 100;
    private ShardView[] _shards = [];
    private readonly HashSet<string> _ids = new(StringComparer.Ordinal);
    private Task? _loading;
    private TaskCompletionSource _shardsChanged = NewSignal();
    private EnsembleView? _ensemble;
    private ForgetBatcher[] _forgets = [];

    public ModelGrain(
        [PersistentState("model", StorageNames.Models)] IPersistentState<ModelState> state,
        IOptions<UnlearningOptions> options,
        IEnumerable<IForgottenDataScrubber> scrubbers,
        ILogger<ModelGrain> logger)
    {
        _state = state;
        _options = options.Value;
        _scrubbers = [.. scrubbers];
        _logger = logger;
    }

    private string Name => this.GetPrimaryKeyString();

    public async Task<ModelConfig> Create(ModelConfig config)
    {
        ConfigValidation.Validate(config, Name);
        if (_state.State.Config is not null)
            throw new InvalidOperationException($"model '{Name}' already exists");
        if (config.Certified is { NoiseSeed: 0 } certified)
            config = config with { Certified = certified with { NoiseSeed = SecretSeed() } };
        _state.State.Config = config;
        await _state.WriteStateAsync();
        _logger.LogInformation("Created model {Model} with {Shards} shards of {Slices} slices", Name, config.Shards, config.Slices);
        return config;
    }

    public Task<ModelConfig> GetConfig() => Task.FromResult(RequireConfig());

    public async Task<IngestResult> Ingest(DataRecord[] records)
    {
        var config = RequireConfig();
        RecordValidation.CheckBatchSize(records.Length, _options.MaxBatchRows);
        await EnsureLoadedAsync();
        RecordValidation.CheckRecords(records, config);
        var fresh = await SkipStoredAsync(records, config);
        // Claimed before the next await, so a concurrent batch with the same ids is refused.
        RecordValidation.CheckNotClaimed(fresh, config, _ids);
        foreach (var record in fresh) _ids.Add(record.Id);

        var byShard = fresh.GroupBy(r => Partitioning.ShardOf(r.Subject, config.Shards));
        await Task.WhenAll(byShard.Select(async group =>
        {
            var batch = group.ToArray();
            try
            {
                await Shard(group.Key).Add(config, batch);
            }
            catch
            {
                await ReleaseUnstoredAsync(group.Key, batch);
                throw;
            }
        }));
        return new IngestResult(records.Length, _ids.Count);
    }

    /// <summary>
    /// Records already stored with the same content are skipped, so a client may resend a batch whose answer it
    /// lost; an id stored with other content is an error naming it.
    /// </summary>
    private async Task<DataRecord[]> SkipStoredAsync(DataRecord[] records, ModelConfig config)
    {
        var known = records.Where(r => _ids.Contains(r.Id)).ToArray();
        if (known.Length == 0) return records;
        var stored = await Task.WhenAll(known.GroupBy(r => Partitioning.ShardOf(r.Subject, config.Shards))
            .Select(group => Shard(group.Key).FindStored(group.ToArray())));
        var identical = stored.SelectMany(ids => ids).ToHashSet(StringComparer.Ordinal);
        RecordValidation.CheckNoConflicts(known.Where(r => !identical.Contains(r.Id)), config);
        return [.. records.Where(r => !identical.Contains(r.Id))];
    }

    /// <summary>After a failed add, keeps claimed only the ids the shard did store (its answer may have been lost, not its write).</summary>
    private async Task ReleaseUnstoredAsync(int shard, DataRecord[] batch)
    {
        try
        {
            var stored = (await Shard(shard).FindStored(batch)).ToHashSet(StringComparer.Ordinal);
            foreach (var record in batch.Where(r => !stored.Contains(r.Id))) _ids.Remove(record.Id);
        }
        catch (Exception error)
        {
            // Unknown what the shard holds: keep the ids claimed; a resend of identical records will be accepted.
            _logger.LogWarning(error, "Shard {Shard} of model {Model} did not answer after a failed ingest", shard, Name);
        }
    }

    public async Task<TrainResult> Train()
    {
        var config = RequireConfig();
        await EnsureLoadedAsync();
        if (_ids.Count == 0)
            throw new InvalidOperationException($"model '{Name}' has no records to train on; ingest some first");
        var stopwatch = Stopwatch.StartNew();
        if (!_state.State.Trained)
        {
            _state.State.Trained = true;
            await _state.WriteStateAsync();
        }
        var snapshots = await Task.WhenAll(_shards.Select(async view =>
        {
            var shard = Shard(view.Index);
            await shard.StartTraining(config);
            return await shard.WaitUntilTrained();
        }));
        foreach (var snapshot in snapshots) Offer(snapshot);
        return new TrainResult(Name, _ids.Count, CurrentEnsemble().Members.Length, Version, stopwatch.ElapsedMilliseconds);
    }

    public Task<PredictionBatch> Predict(double[][] rows)
    {
        var config = RequireConfig();
        CheckRows(rows, config);
        // The common case answers in this turn, from the ensemble as it stands, without waiting for anything.
        if (_loading is { IsCompletedSuccessfully: true } && CurrentEnsemble() is { Members.Length: > 0 } ensemble)
            return Task.FromResult(PredictWith(ensemble, rows, config));
        return PredictWhenServingAsync(rows, config);
    }

    private async Task<PredictionBatch> PredictWhenServingAsync(double[][] rows, ModelConfig config)
    {
        await EnsureLoadedAsync();
        return PredictWith(await ServingEnsembleAsync(), rows, config);
    }

    private PredictionBatch PredictWith(EnsembleView ensemble, double[][] rows, ModelConfig config) =>
        new(PredictWith(ensemble.Classifiers, rows, config), ensemble.Version, ensemble.Used);

    /// <summary>The shards predictions use now, rebuilt only after something about a shard changed.</summary>
    private EnsembleView CurrentEnsemble()
    {
        if (_ensemble is { } cached) return cached;
        var members = _shards.Where(view => view.IsUsable).ToArray();
        return _ensemble = new EnsembleView(
            members,
            [.. members.Select(view => view.Classifier!)],
            [.. members.Select(view => new ShardVersion(view.Index, view.Snapshot.Version, view.Snapshot.CleanThrough))],
            Version);
    }

    private sealed record EnsembleView(ShardView[] Members, IClassifier[] Classifiers, ShardVersion[] Used, long Version);

    public async Task<ExplanationBatch> Explain(double[][] rows, int top)
    {
        var config = RequireConfig();
        if (config.Method != UnlearningMethod.Exact)
            throw new InvalidOperationException($"explain works on exact (SISA) models; model '{Name}' uses certified removal");
        if (top is < 1 or > MaxTop) throw new ArgumentException($"top must be between 1 and {MaxTop}, not {top}");
        var predicted = await Predict(rows);
        var labels = predicted.Predictions.Select(p => p.Label).ToArray();
        var members = predicted.ShardsUsed;
        // Each member's share of the ensemble's average: its scores count with that weight.
        var weight = 1.0 / members.Length;
        var parts = await Task.WhenAll(members.Select(async used =>
            (used.Shard, Rows: await Shard(used.Shard).Explain(rows, labels, top))));
        // A shard that is retraining sends nothing: its records cannot be scored against weights it no longer serves.
        var scored = parts.Where(p => p.Rows.Length == rows.Length).ToArray();
        var explanations = new Explanation[rows.Length];
        for (var i = 0; i < rows.Length; i++)
        {
            var row = i;
            var raising = scored.SelectMany(p => p.Rows[row].Raising.Select(r => r with { Shard = p.Shard, Score = r.Score * weight }));
            var lowering = scored.SelectMany(p => p.Rows[row].Lowering.Select(r => r with { Shard = p.Shard, Score = r.Score * weight }));
            explanations[i] = new Explanation(labels[i],
                [.. raising.OrderByDescending(r => r.Score).ThenBy(r => r.RecordId, StringComparer.Ordinal).Take(top)],
                [.. lowering.OrderBy(r => r.Score).ThenBy(r => r.RecordId, StringComparer.Ordinal).Take(top)]);
        }
        return new ExplanationBatch(explanations, predicted.Version);
    }

    public async Task<ForgetEstimate> EstimateForget(string subject, double[][] probe)
    {
        var config = RequireConfig();
        CheckSubject(subject);
        CheckRows(probe, config);
        await EnsureLoadedAsync();
        var ensemble = await ServingEnsembleAsync();
        var members = ensemble.Members;
        var index = Partitioning.ShardOf(subject, config.Shards);
        var estimate = await Shard(index).EstimateForget(subject);

        var before = PredictWith(ensemble.Classifiers, probe, config);
        var after = members.Where(view => view.Index != index).Select(view => view.Classifier!).ToList();
        if (EnsembleMembers.Create(config, estimate.WeightsAfter) is { } estimated)
            after.Insert(members.Count(view => view.Index < index), estimated);
        if (after.Count == 0)
            throw new InvalidOperationException($"forgetting this subject would leave model '{Name}' with no shard to predict with");
        return new ForgetEstimate(Name, subject, index, estimate.RecordsAffected, estimate.Method,
            before, PredictWith(after, probe, config), Version);
    }

    public async Task<EvaluationResult> Evaluate(double[][] rows, int[] labels)
    {
        var config = RequireConfig();
        if (rows.Length != labels.Length)
            throw new ArgumentException($"{rows.Length} rows but {labels.Length} labels");
        if (rows.Length == 0) throw new ArgumentException("nothing to evaluate: no rows");
        foreach (var label in labels)
        {
            if (label < 0 || label >= config.ClassCount)
                throw new ArgumentException($"label index {label} is outside model '{Name}''s {config.ClassCount} labels");
        }
        var batch = await Predict(rows);
        var correct = 0;
        for (var i = 0; i < rows.Length; i++)
            if (batch.Predictions[i].Label == labels[i]) correct++;
        return new EvaluationResult(Name, rows.Length, (double)correct / rows.Length, batch.Version);
    }

    public async Task<ForgetReceipt> Forget(string subject)
    {
        var config = RequireConfig();
        CheckSubject(subject);
        await EnsureLoadedAsync();
        var stopwatch = Stopwatch.StartNew();
        var requestId = Guid.NewGuid().ToString("N");
        var index = Partitioning.ShardOf(subject, config.Shards);
        var view = _shards[index];
        var shard = Shard(index);

        // From here on no prediction uses this shard until it confirms what it serves is clean.
        view.ForgetsInFlight++;
        Signal();
        ForgetAcceptance acceptance;
        try
        {
            acceptance = await _forgets[index].Submit(subject);
            view.RequireCleanThrough(acceptance.Serving.CleanThrough);
            Offer(acceptance.Serving);
        }
        catch
        {
            // Unknown whether the shard removed the subject: trust only what it now says it serves.
            view.Suspended = true;
            _ = RefreshAsync(view);
            throw;
        }
        finally
        {
            view.ForgetsInFlight--;
            Signal();
        }
        foreach (var id in acceptance.RemovedIds) _ids.Remove(id);
        _logger.LogInformation("Forget {Request} on model {Model}: shard {Shard} removed {Records} records",
            requestId, Name, index, acceptance.RecordsRemoved);

        var final = acceptance.Serving;
        if (acceptance.RecordsRemoved > 0 && _state.State.Trained)
        {
            final = await shard.WaitUntilTrained();
            Offer(final);
        }
        if (acceptance.RecordsRemoved > 0)
        {
            foreach (var scrubber in _scrubbers) await scrubber.ScrubAsync([ShardKey.For(Name, index)], CancellationToken.None);
        }
        var method = config.Method == UnlearningMethod.Certified
            ? (acceptance.RecordsRemoved > 0 ? final.Method : ForgetMethods.Certified)
            : config.IsFullRetrain ? ForgetMethods.Retrain : ForgetMethods.Exact;
        var certified = config.Method == UnlearningMethod.Certified;
        return new ForgetReceipt(requestId, Name, subject, index, acceptance.RecordsRemoved, acceptance.SlicesToRetrain,
            acceptance.VersionBefore, final.Version, method, stopwatch.ElapsedMilliseconds,
            certified ? (acceptance.RecordsRemoved > 0 ? final.BoundSpent ?? 0 : 0) : null,
            certified ? final.BudgetLeft : null);
    }

    public async Task<ModelStatus> GetStatus()
    {
        var config = RequireConfig();
        await EnsureLoadedAsync();
        var shards = await Task.WhenAll(Enumerable.Range(0, config.Shards).Select(i => Shard(i).GetStatus()));
        return new ModelStatus(Name, shards.Sum(s => s.Records), _state.State.Trained, Version, shards);
    }

    public Task OnShardChanged(ShardSnapshot snapshot)
    {
        if (snapshot.Shard >= 0 && snapshot.Shard < _shards.Length) Offer(snapshot);
        return Task.CompletedTask;
    }

    private int ForgetsInFlight => _shards.Sum(view => view.ForgetsInFlight);

    /// <summary>The sum of the shards' versions: it grows whenever any shard serves new weights.</summary>
    private long Version => _shards.Sum(view => view.Snapshot.Version);

    private ModelConfig RequireConfig() =>
        _state.State.Config ?? throw new KeyNotFoundException($"model '{Name}' does not exist");

    private IShardGrain Shard(int index) => GrainFactory.GetGrain<IShardGrain>(ShardKey.For(Name, index));

    private static void CheckSubject(string subject)
    {
        if (string.IsNullOrEmpty(subject) || subject.Length > RecordValidation.MaxIdLength)
            throw new ArgumentException($"subject ids must have 1 to {RecordValidation.MaxIdLength} characters");
    }

    private static Prediction[] PredictWith(IReadOnlyList<IClassifier> members, double[][] rows, ModelConfig config)
    {
        var vote = config.Ensemble == EnsembleMode.Vote;
        var predictions = new Prediction[rows.Length];
        for (var i = 0; i < rows.Length; i++)
        {
            var probabilities = new double[config.ClassCount];
            var label = Ensemble.Predict(members, vote, rows[i], probabilities);
            predictions[i] = new Prediction(label, probabilities);
        }
        return predictions;
    }

    private static ulong SecretSeed()
    {
        Span<byte> bytes = stackalloc byte[8];
        System.Security.Cryptography.RandomNumberGenerator.Fill(bytes);
        return BitConverter.ToUInt64(bytes) | 1;
    }

    private void CheckRows(double[][] rows, ModelConfig config)
    {
        RecordValidation.CheckBatchSize(rows.Length, _options.MaxBatchRows);
        for (var i = 0; i < rows.Length; i++)
        {
            if (rows[i] is null) throw new ArgumentException($"row {i + 1} is missing");
            RecordValidation.CheckRow(rows[i], config, $"row {i + 1}");
        }
    }

    private void Offer(ShardSnapshot snapshot)
    {
        if (_shards[snapshot.Shard].Offer(snapshot)) Signal();
    }

    /// <summary>Something about a shard changed: drop the cached ensemble and wake predictions waiting for one.</summary>
    private void Signal()
    {
        _ensemble = null;
        var changed = _shardsChanged;
        _shardsChanged = NewSignal();
        changed.TrySetResult();
    }

    private static TaskCompletionSource NewSignal() => new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>The ensemble a prediction may use now; waits while every shard is between weights.</summary>
    private async Task<EnsembleView> ServingEnsembleAsync()
    {
        var deadline = Stopwatch.StartNew();
        while (true)
        {
            var ensemble = CurrentEnsemble();
            if (ensemble.Members.Length > 0) return ensemble;
            if (!_state.State.Trained)
                throw new InvalidOperationException($"model '{Name}' is not trained yet; run train first");
            var remaining = _options.PredictionWait - deadline.Elapsed;
            if (remaining <= TimeSpan.Zero)
                throw new TimeoutException($"no shard of model '{Name}' had clean weights within {_options.PredictionWait.TotalSeconds:0} s");
            await Task.WhenAny(_shardsChanged.Task, Task.Delay(remaining));
        }
    }

    private Task EnsureLoadedAsync()
    {
        if (_loading is null || _loading.IsFaulted) _loading = LoadAsync();
        return _loading;
    }

    /// <summary>Pulls every shard's snapshot and record ids: the aggregator persists neither.</summary>
    private async Task LoadAsync()
    {
        var config = RequireConfig();
        if (_shards.Length == 0)
        {
            _shards = [.. Enumerable.Range(0, config.Shards).Select(i => new ShardView(i, weights => EnsembleMembers.Create(config, weights)))];
            _forgets = [.. Enumerable.Range(0, config.Shards).Select(i => new ForgetBatcher(Shard(i).Forget, sending => ForgetsInFlight > sending))];
        }
        var loaded = await Task.WhenAll(_shards.Select(async view =>
        {
            var shard = Shard(view.Index);
            return (Snapshot: await shard.GetSnapshot(), Ids: await shard.GetRecordIds());
        }));
        foreach (var (snapshot, ids) in loaded)
        {
            Offer(snapshot);
            _ids.UnionWith(ids);
        }
    }

    private async Task RefreshAsync(ShardView view)
    {
        try
        {
            var snapshot = await Shard(view.Index).GetSnapshot();
            view.RequireCleanThrough(snapshot.CleanThrough);
            view.Offer(snapshot);
            view.Suspended = false;
            Signal();
        }
        catch (Exception error)
        {
            _logger.LogWarning(error, "Shard {Shard} of model {Model} stays out of the ensemble until it answers", view.Index, Name);
        }
    }
}
