using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Orleans.Concurrency;
using Unlearning.Learning;
using Unlearning.Storage;

namespace Unlearning.Shard;

/// <summary>
/// One SISA shard. Reentrant so that it answers status, snapshots and forgets while a slice trains on
/// the thread pool; every state change happens in a grain turn, so turns never race.
/// </summary>
[Reentrant]
public sealed class ShardGrain : Grain, IShardGrain
{
    private readonly IPersistentState<ShardState> _state;
    private readonly UnlearningOptions _options;
    private readonly ILogger<ShardGrain> _logger;
    private readonly CoalescingWriter _writer;
    private readonly HashSet<string> _ids = new(StringComparer.Ordinal);
    private readonly List<TaskCompletionSource> _trainedWaiters = [];
    private Task _retraining = Task.CompletedTask;
    private CancellationTokenSource? _inFlight;
    private int _inFlightSlice;

    public ShardGrain(
        [PersistentState("shard", StorageNames.Shards)] IPersistentState<ShardState> state,
        IOptions<UnlearningOptions> options,
        ILogger<ShardGrain> logger)
    {
        _state = state;
        _options = options.Value;
        _logger = logger;
        _writer = new CoalescingWriter(() => _state.WriteStateAsync());
    }

    private ShardState State => _state.State;
    private string Key => this.GetPrimaryKeyString();
    private int Index => int.Parse(Key[(Key.LastIndexOf('/') + 1)..], System.Globalization.CultureInfo.InvariantCulture);
    private string ModelName => Key[..Key.LastIndexOf('/')];
    private bool FullyTrained => State.Config is { } config && State.Checkpoints.Count == config.Slices;

    public override Task OnActivateAsync(CancellationToken cancellationToken)
    {
        foreach (var slice in State.Slices)
            foreach (var record in slice) _ids.Add(record.Id);
        if (State.Training && !FullyTrained) ScheduleRetraining();
        return Task.CompletedTask;
    }

    public async Task<long> Add(ModelConfig config, DataRecord[] records)
    {
        EnsureConfigured(config);
        foreach (var record in records)
        {
            if (Partitioning.ShardOf(record.Subject, config.Shards) != Index)
                throw new ArgumentException($"record '{record.Id}' belongs to shard {Partitioning.ShardOf(record.Subject, config.Shards)}, not {Index}");
            if (_ids.Contains(record.Id))
                throw new ArgumentException($"duplicate record id '{record.Id}'");
        }

        var touched = new SortedSet<int>();
        foreach (var record in records)
        {
            var slice = Partitioning.SliceOf(record.Id, config.Slices);
            State.Slices[slice].Add(record);
            _ids.Add(record.Id);
            touched.Add(slice);
        }
        foreach (var slice in touched) State.Slices[slice].Sort(ById);
        if (touched.Count > 0) Invalidate(touched.Min);
        await _writer.WriteAsync();
        if (State.Training) ScheduleRetraining();
        return _ids.Count;
    }

    public async Task StartTraining(ModelConfig config)
    {
        EnsureConfigured(config);
        if (!State.Training)
        {
            State.Training = true;
            await _writer.WriteAsync();
        }
        ScheduleRetraining();
    }

    public Task<ShardSnapshot> WaitUntilTrained()
    {
        if (!State.Training || FullyTrained) return Task.FromResult(Snapshot());
        var waiter = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        _trainedWaiters.Add(waiter);
        return AwaitTrained(waiter.Task);

        async Task<ShardSnapshot> AwaitTrained(Task trained)
        {
            await trained;
            return Snapshot();
        }
    }

    public async Task<ForgetAcceptance> Forget(string subject)
    {
        var versionBefore = State.Version;
        var removed = new List<string>();
        var firstAffected = int.MaxValue;
        for (var s = 0; s < State.Slices.Count; s++)
        {
            var count = State.Slices[s].RemoveAll(record =>
            {
                if (!string.Equals(record.Subject, subject, StringComparison.Ordinal)) return false;
                removed.Add(record.Id);
                return true;
            });
            if (count > 0) firstAffected = Math.Min(firstAffected, s);
        }
        if (removed.Count == 0)
            return new ForgetAcceptance(0, -1, 0, versionBefore, [], Snapshot());

        foreach (var id in removed) _ids.Remove(id);
        State.ForgetsAccepted++;
        Invalidate(firstAffected);
        // The served weights may have seen the subject: fall back to the newest checkpoint that cannot have.
        Serve(State.Checkpoints.Count > 0 ? State.Checkpoints[^1].Weights : null);
        await _writer.WriteAsync();

        var slicesToRetrain = State.Training ? State.Config!.Slices - State.Checkpoints.Count : 0;
        if (State.Training) ScheduleRetraining();
        _logger.LogInformation("Shard {Shard} accepted a forget: {Records} records removed, retraining from slice {Slice}",
            Key, removed.Count, firstAffected);
        return new ForgetAcceptance(removed.Count, firstAffected, slicesToRetrain, versionBefore, [.. removed], Snapshot());
    }

    public Task<ShardSnapshot> GetSnapshot() => Task.FromResult(Snapshot());

    public Task<string[]> GetRecordIds() => Task.FromResult(_ids.ToArray());

    public Task<ShardStatus> GetStatus()
    {
        var state = !State.Training ? ShardStates.Untrained : FullyTrained ? ShardStates.Serving : ShardStates.Retraining;
        return Task.FromResult(new ShardStatus(
            Index, _ids.Count, State.Version, state, RuntimeIdentity, [.. State.SliceTrainings], State.ForgetsAccepted));
    }

    private void EnsureConfigured(ModelConfig config)
    {
        if (State.Config is not null) return;
        State.Config = config;
        State.Slices = [.. Enumerable.Range(0, config.Slices).Select(_ => new List<DataRecord>())];
        State.SliceTrainings = new int[config.Slices];
    }

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

    private ShardSnapshot Snapshot() => new(Index, State.Version, State.ForgetsAccepted, State.Serving);

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
        try
        {
            await Task.Delay(_options.RetrainDelay);
            await ComputeMissingCheckpointsAsync();
        }
        catch (Exception error)
        {
            _logger.LogError(error, "Shard {Shard} failed to retrain; it keeps serving version {Version}", Key, State.Version);
            foreach (var waiter in _trainedWaiters) waiter.TrySetException(error);
            _trainedWaiters.Clear();
            return;
        }
        if (!FullyTrained) return;

        await PublishAsync();
        foreach (var waiter in _trainedWaiters) waiter.TrySetResult();
        _trainedWaiters.Clear();
    }

    private async Task ComputeMissingCheckpointsAsync()
    {
        var config = State.Config!;
        var settings = new TrainerSettings(config.Lambda, config.MaxIterations);
        while (State.Training && !FullyTrained)
        {
            var slice = State.Checkpoints.Count;
            var input = TrainingInput.ForPrefix(State.Slices, slice, config);
            var warmStart = slice > 0 ? State.Checkpoints[slice - 1].Weights : null;
            using var cancellation = new CancellationTokenSource();
            _inFlight = cancellation;
            _inFlightSlice = slice;
            FitResult? fit;
            try
            {
                fit = input is null ? null : await Task.Run(() => SoftmaxTrainer.Fit(input, settings, warmStart, cancellation.Token));
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

            State.Checkpoints.Add(new SliceCheckpoint(fit?.Weights));
            State.SliceTrainings[slice]++;
            if (FullyTrained) Serve(State.Checkpoints[^1].Weights);
            await _writer.WriteAsync();
        }
    }

    private async Task PublishAsync()
    {
        try
        {
            await GrainFactory.GetGrain<IModelGrain>(ModelName).OnShardChanged(Snapshot());
        }
        catch (Exception error)
        {
            // The model pulls snapshots when it activates, so a lost push only delays an update.
            _logger.LogWarning(error, "Shard {Shard} could not publish version {Version}", Key, State.Version);
        }
    }

    private static readonly Comparison<DataRecord> ById = (a, b) => string.CompareOrdinal(a.Id, b.Id);
}
