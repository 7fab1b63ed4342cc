using System.Diagnostics;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Orleans.Concurrency;
using Unlearning.Learning;
using Unlearning.Storage;
using Unlearning.Wire;

namespace Unlearning.Model;

/// <summary>
/// A model: its config, the routing of records and forgets to its shards, and the ensemble of the weights the
/// shards push, so a prediction costs no shard call. Reentrant: predictions are answered while forgets and
/// training wait on shards; every state change happens within one turn.
/// </summary>
[Reentrant]
public sealed class ModelGrain : Grain, IModelGrain, IModelShardEvents
{
    private readonly IPersistentState<ModelState> _state;
    private readonly UnlearningOptions _options;
    private readonly IForgottenDataScrubber[] _scrubbers;
    private readonly ILogger<ModelGrain> _logger;
    private ModelShards _shards = null!;
    private ForgetBatcher[] _forgets = [];
    private Task? _loading;

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
        RecordValidation.CheckRecords(records, config);
        await EnsureLoadedAsync();
        var byShard = records.GroupBy(r => Partitioning.ShardOf(r.Subject, config.Shards)).ToArray();
        // Each shard refuses ids it holds with other content and skips those it holds as sent. Every shard checks
        // first, so a conflict in one leaves the others unchanged.
        await Task.WhenAll(byShard.Select(group => Shard(group.Key).FindStored(config, [.. group])));
        await Task.WhenAll(byShard.Select(async group => _shards[group.Key].Records = await Shard(group.Key).Add(config, [.. group])));
        return new IngestResult(records.Length, _shards.Records);
    }

    public async Task<TrainResult> Train()
    {
        var config = RequireConfig();
        await EnsureLoadedAsync();
        if (_shards.Records == 0)
            throw new InvalidOperationException($"model '{Name}' has no records to train on; ingest some first");
        var stopwatch = Stopwatch.StartNew();
        if (!_state.State.Trained)
        {
            _state.State.Trained = true;
            await _state.WriteStateAsync();
        }
        var snapshots = await Task.WhenAll(_shards.All.Select(async view =>
        {
            var shard = Shard(view.Index);
            await shard.StartTraining(config);
            return await shard.WaitUntilTrained();
        }));
        foreach (var snapshot in snapshots) _shards.Offer(snapshot);
        return new TrainResult(Name, _shards.Records, _shards.Current.Members.Length, _shards.Version, stopwatch.ElapsedMilliseconds);
    }

    public Task<PredictionBatch> Predict(double[][] rows)
    {
        var config = RequireConfig();
        RecordValidation.CheckRows(rows, config, _options.MaxBatchRows);
        // The common case answers in this turn, from the ensemble as it stands, without waiting for anything.
        if (_loading is { IsCompletedSuccessfully: true } && _shards.Current is { Members.Length: > 0 } ensemble)
            return Task.FromResult(PredictWith(ensemble, rows, config));
        return PredictWhenServingAsync(rows, config);
    }

    private async Task<PredictionBatch> PredictWhenServingAsync(double[][] rows, ModelConfig config)
    {
        await EnsureLoadedAsync();
        return PredictWith(await ServingEnsembleAsync(), rows, config);
    }

    private static PredictionBatch PredictWith(EnsembleView ensemble, double[][] rows, ModelConfig config) =>
        new(EnsemblePredictions.Of(ensemble.Classifiers, config.Ensemble, config.ClassCount, rows), ensemble.Version, ensemble.Used);

    public async Task<EvaluationResult> Evaluate(double[][] rows, int[] labels)
    {
        var config = RequireConfig();
        RecordValidation.CheckLabels(rows.Length, labels, config);
        var batch = await Predict(rows);
        return new EvaluationResult(Name, rows.Length, EnsemblePredictions.Accuracy(batch.Predictions, labels), batch.Version);
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
        var ensemble = await ServingEnsembleAsync();
        var index = Partitioning.ShardOf(subject, config.Shards);
        var estimate = await Shard(index).EstimateForget(subject);
        var after = DryRunEnsemble.After(
            [.. ensemble.Members.Select(view => (view.Index, view.Classifier!))], index, EnsembleMembers.Create(config, estimate.WeightsAfter));
        if (after.Count == 0)
            throw new InvalidOperationException($"forgetting this subject would leave model '{Name}' with no shard to predict with");
        return new ForgetEstimate(Name, subject, index, estimate.RecordsAffected, estimate.Method,
            EnsemblePredictions.Of(ensemble.Classifiers, config.Ensemble, config.ClassCount, probe),
            EnsemblePredictions.Of(after, config.Ensemble, config.ClassCount, probe), _shards.Version);
    }

    public async Task<ForgetReceipt> Forget(string subject)
    {
        var config = RequireConfig();
        RecordValidation.CheckSubject(subject);
        await EnsureLoadedAsync();
        var stopwatch = Stopwatch.StartNew();
        var requestId = Guid.NewGuid().ToString("N");
        var index = Partitioning.ShardOf(subject, config.Shards);
        var view = _shards[index];

        // From here on no prediction uses this shard until it confirms what it serves is clean.
        view.ForgetsInFlight++;
        _shards.Changed();
        ForgetAcceptance acceptance;
        try
        {
            acceptance = await _forgets[index].Submit(subject);
            view.RequireForgetsAccepted(acceptance.Serving.ForgetsAccepted);
            _shards.Offer(acceptance.Serving);
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
            _shards.Changed();
        }
        _logger.LogInformation("Forget {Request} on model {Model}: shard {Shard} removed {Records} records",
            requestId, Name, index, acceptance.RecordsRemoved);

        var final = acceptance.Serving;
        if (acceptance.RecordsRemoved > 0)
        {
            if (_state.State.Trained)
            {
                final = await Shard(index).WaitUntilTrained();
                _shards.Offer(final);
            }
            foreach (var scrubber in _scrubbers) await scrubber.ScrubAsync([ShardKey.For(Name, index)], CancellationToken.None);
        }
        var terms = ReceiptPolicy.For(config, acceptance.RecordsRemoved, final);
        return new ForgetReceipt(requestId, Name, subject, index, acceptance.RecordsRemoved, acceptance.SlicesToRetrain,
            acceptance.VersionBefore, final.Version, terms.Method, stopwatch.ElapsedMilliseconds, terms.BoundSpent, terms.BudgetLeft);
    }

    public async Task<ModelStatus> GetStatus()
    {
        var config = RequireConfig();
        await EnsureLoadedAsync();
        var shards = await Task.WhenAll(Enumerable.Range(0, config.Shards).Select(i => Shard(i).GetStatus()));
        return new ModelStatus(Name, shards.Sum(s => s.Records), _state.State.Trained, _shards.Version, shards);
    }

    public Task OnShardChanged(ShardSnapshot snapshot)
    {
        // Before the first load there is nothing to update: the load pulls every shard's snapshot.
        if (_loading is not null) _shards.Offer(snapshot);
        return Task.CompletedTask;
    }

    private ModelConfig RequireConfig() =>
        _state.State.Config ?? throw new KeyNotFoundException($"model {Quoted.Value(Name)} does not exist");

    private IShardGrain Shard(int index) => GrainFactory.GetGrain<IShardGrain>(ShardKey.For(Name, index));

    private static ulong SecretSeed()
    {
        Span<byte> bytes = stackalloc byte[8];
        System.Security.Cryptography.RandomNumberGenerator.Fill(bytes);
        return BitConverter.ToUInt64(bytes) | 1;
    }

    /// <summary>The ensemble a prediction may use now; waits while every shard is between weights.</summary>
    private async Task<EnsembleView> ServingEnsembleAsync()
    {
        var deadline = Stopwatch.StartNew();
        while (true)
        {
            var ensemble = _shards.Current;
            if (ensemble.Members.Length > 0) return ensemble;
            if (!_state.State.Trained)
                throw new InvalidOperationException($"model '{Name}' is not trained yet; run train first");
            var remaining = _options.PredictionWait - deadline.Elapsed;
            if (remaining <= TimeSpan.Zero)
                throw new TimeoutException($"no shard of model '{Name}' had clean weights within {_options.PredictionWait.TotalSeconds:0} s");
            await Task.WhenAny(_shards.NextChange, Task.Delay(remaining));
        }
    }

    private Task EnsureLoadedAsync()
    {
        if (_loading is null || _loading.IsFaulted) _loading = LoadAsync();
        return _loading;
    }

    /// <summary>Pulls every shard's snapshot: the model persists no weights of its own.</summary>
    private async Task LoadAsync()
    {
        var config = RequireConfig();
        if (_forgets.Length == 0)
        {
            _shards = new ModelShards(config);
            _forgets = [.. Enumerable.Range(0, config.Shards).Select(i =>
                new ForgetBatcher(Shard(i).Forget, sending => _shards.ForgetsInFlight > sending))];
        }
        foreach (var snapshot in await Task.WhenAll(_shards.All.Select(view => Shard(view.Index).GetSnapshot())))
            _shards.Offer(snapshot);
    }

    private async Task RefreshAsync(ShardView view)
    {
        try
        {
            var snapshot = await Shard(view.Index).GetSnapshot();
            view.RequireForgetsAccepted(snapshot.ForgetsAccepted);
            view.Offer(snapshot);
            view.Suspended = false;
            _shards.Changed();
        }
        catch (Exception error)
        {
            _logger.LogWarning(error, "Shard {Shard} of model {Model} stays out of the ensemble until it answers", view.Index, Name);
        }
    }
}
