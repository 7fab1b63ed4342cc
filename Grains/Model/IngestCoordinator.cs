using Microsoft.Extensions.Logging;
using Unlearning.Wire;

namespace Unlearning.Model;

/// <summary>
/// Makes a model's ingests all or nothing. Batches are staged in the shards under an ingest id; a commit is decided
/// (and stored) in the model's row first, then carried to every shard that staged batches, as an abort is; a shard
/// that does not answer gets it again, with growing pauses, until it does, and a shard that restarts asks the model
/// what became of what it staged. Staging that stops arriving expires and is aborted. Used only from the model
/// grain's turns.
/// </summary>
internal sealed class IngestCoordinator(
    ModelState state,
    int shardCount,
    Func<int, IShardGrain> shardOf,
    Func<Task> writeState,
    Action<int, long> shardHolds,
    UnlearningOptions options,
    TimeProvider time,
    ILogger logger)
{
    private readonly Dictionary<string, DateTimeOffset> _lastBatch = new(StringComparer.Ordinal);
    private readonly Dictionary<string, HashSet<int>> _stagedIn = new(StringComparer.Ordinal);
    private readonly Dictionary<string, Settlement> _settling = new(StringComparer.Ordinal);

    /// <summary>Entries found staging when the model activated: the shards their earlier batches went to are unknown.</summary>
    private readonly HashSet<string> _shardsUnknown = new(state.Ingests.Where(e => e.Status == IngestStatus.Staging).Select(e => e.Id), StringComparer.Ordinal);

    /// <summary>
    /// One-shot ingests found staging when the model activated: the call that staged each died with the activation
    /// before it committed, so nobody can commit it; the first sweep aborts them rather than waiting for the expiry,
    /// which would hold their records' ids from a retried ingest.
    /// </summary>
    private readonly HashSet<string> _orphaned = new(state.Ingests.Where(e => e.Status == IngestStatus.Staging && e.OneShot).Select(e => e.Id), StringComparer.Ordinal);

    /// <summary>The ingest <paramref name="ingestId"/>, opened (and stored) if new; refused once decided.</summary>
    public async Task OpenAsync(string ingestId, bool oneShot = false)
    {
        var entry = Find(ingestId);
        if (entry is null)
        {
            entry = new IngestEntry { Id = ingestId, Status = IngestStatus.Staging, Opened = time.GetUtcNow(), OneShot = oneShot };
            state.Ingests.Add(entry);
            await writeState();
        }
        else if (entry.IsCommit)
        {
            throw new InvalidOperationException($"ingest {Quoted.Value(ingestId)} is already committed; send new records under a new ingest id");
        }
        else if (entry.IsDecided)
        {
            throw new InvalidOperationException($"ingest {Quoted.Value(ingestId)} was aborted ({entry.Reason}); nothing of it was kept");
        }
        _lastBatch[ingestId] = time.GetUtcNow();
    }

    /// <summary>Notes the shards a batch goes to, before it is sent: a commit or an abort must reach each of them.</summary>
    public void Sending(string ingestId, IEnumerable<int> shards)
    {
        if (!_stagedIn.TryGetValue(ingestId, out var set)) _stagedIn[ingestId] = set = [];
        set.UnionWith(shards);
        _lastBatch[ingestId] = time.GetUtcNow();
    }

    /// <summary>Commits the ingest: decided and stored first, then carried to the shards. Repeatable.</summary>
    /// <returns>The records the ingest added.</returns>
    public async Task<int> CommitAsync(string ingestId)
    {
        var entry = Find(ingestId) ?? throw new KeyNotFoundException($"no ingest {Quoted.Value(ingestId)} is staging in this model");
        if (entry.Status == IngestStatus.Committed) return entry.Accepted;
        if (entry.Status is IngestStatus.Aborting or IngestStatus.Aborted)
            throw new InvalidOperationException($"ingest {Quoted.Value(ingestId)} was aborted ({entry.Reason}); nothing of it was kept");
        if (entry.Status == IngestStatus.Staging) await DecideAsync(entry, IngestStatus.Committing, reason: null);
        await SettleOrHandOverAsync(entry);
        return entry.Accepted;
    }

    /// <summary>Aborts the ingest: nothing of it stays. Repeatable; an unknown id is nothing to do.</summary>
    public async Task AbortAsync(string ingestId, string reason)
    {
        var entry = Find(ingestId);
        if (entry is null || entry.Status == IngestStatus.Aborted) return;
        if (entry.IsCommit)
            throw new InvalidOperationException($"ingest {Quoted.Value(ingestId)} is committed; it cannot be aborted (forget its subjects instead)");
        if (entry.Status == IngestStatus.Staging) await DecideAsync(entry, IngestStatus.Aborting, reason);
        await SettleOrHandOverAsync(entry);
    }

    /// <summary>Aborts the ingest if it can; a failure is logged, not thrown (the shards drop what it staged when they next answer).</summary>
    public async Task AbortQuietlyAsync(string ingestId, string reason)
    {
        try
        {
            await AbortAsync(ingestId, reason);
        }
        catch (Exception error)
        {
            logger.LogWarning("Ingest {Ingest}: abort not confirmed yet ({Error})", ingestId, error.GetType().Name);
        }
    }

    public IngestOutcome OutcomeOf(string ingestId) => OutcomeIn(state, ingestId);

    /// <summary>What a shard should do with an ingest's staged records, from the model's stored state alone.</summary>
    public static IngestOutcome OutcomeIn(ModelState state, string ingestId) => state.Ingests.Find(e => e.Id == ingestId) switch
    {
        { Status: IngestStatus.Staging } => IngestOutcome.Pending,
        { IsCommit: true } => IngestOutcome.Committed,
        _ => IngestOutcome.Aborted,
    };

    /// <summary>Expires staging that stopped, settles what is decided but unsettled, and forgets long-settled entries.</summary>
    public async Task SweepAsync()
    {
        var now = time.GetUtcNow();
        foreach (var entry in state.Ingests.Where(e => e.Status == IngestStatus.Staging).ToArray())
        {
            var last = _lastBatch.TryGetValue(entry.Id, out var at) ? at : _lastBatch[entry.Id] = now;
            var orphaned = _orphaned.Remove(entry.Id);
            if (!orphaned && now - last <= options.StagedIngestExpiry) continue;
            try
            {
                await AbortAsync(entry.Id, orphaned ? "the model stopped before the ingest's call committed it"
                    : $"no batch for {options.StagedIngestExpiry.TotalMinutes:0} minutes");
            }
            catch (IngestNotSettledException)
            {
                // Decided; the shards hear of it when they answer.
            }
        }
        foreach (var entry in state.Ingests.Where(e => e.Status is IngestStatus.Committing or IngestStatus.Aborting))
            StartSettling(entry);
        if (state.Ingests.RemoveAll(e => e.Settled is { } settled && now - settled > options.SettledIngestRetention) > 0)
            await writeState();
    }

    private IngestEntry? Find(string ingestId) => state.Ingests.Find(e => e.Id == ingestId);

    private async Task DecideAsync(IngestEntry entry, IngestStatus decision, string? reason)
    {
        entry.Status = decision;
        entry.Reason = reason;
        entry.Shards = _shardsUnknown.Contains(entry.Id) ? null
            : [.. (_stagedIn.TryGetValue(entry.Id, out var set) ? set : []).Order()];
        await writeState();
        _lastBatch.Remove(entry.Id);
        _stagedIn.Remove(entry.Id);
        logger.LogInformation("Ingest {Ingest} of a model: {Decision} across {Shards} shards", entry.Id, decision,
            entry.Shards?.Length.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "all");
    }

    /// <summary>
    /// Carries a decided outcome to the shards, waiting for the first attempt only: when a shard fails, settling goes on
    /// in the background and the caller hears that the outcome stands but is not settled yet. One settling per entry at a
    /// time, whoever asks (a client's commit, the sweep after a restart), so two never race on the model's row.
    /// </summary>
    private async Task SettleOrHandOverAsync(IngestEntry entry)
    {
        await Settling(entry).FirstAttempt;
        if (entry.Status is IngestStatus.Committing or IngestStatus.Aborting) throw new IngestNotSettledException(entry.Id, entry.IsCommit);
    }

    private void StartSettling(IngestEntry entry) => _ = Settling(entry);

    private Settlement Settling(IngestEntry entry)
    {
        if (_settling.TryGetValue(entry.Id, out var running) && !running.Done.IsCompleted) return running;
        var settlement = new Settlement();
        _settling[entry.Id] = settlement;
        settlement.Done = SettleUntilDoneAsync(entry, settlement);
        return settlement;
    }

    /// <summary>A settling in progress: done when every shard confirmed; its first attempt is what a caller waits for.</summary>
    private sealed class Settlement
    {
        private readonly TaskCompletionSource _firstAttempt = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public Task FirstAttempt => _firstAttempt.Task;
        public Task Done { get; set; } = Task.CompletedTask;

        public void Attempted() => _firstAttempt.TrySetResult();
    }

    private async Task SettleUntilDoneAsync(IngestEntry entry, Settlement settlement)
    {
        var pause = TimeSpan.FromMilliseconds(200);
        try
        {
            for (var attempt = 1; entry.Status is IngestStatus.Committing or IngestStatus.Aborting; attempt++)
            {
                try
                {
                    await SettleOnceAsync(entry);
                }
                catch (Exception error)
                {
                    if (attempt == 1 || attempt % 10 == 0)
                    {
                        logger.LogWarning("Ingest {Ingest}: {Outcome} not confirmed by every shard yet ({Attempts} attempts: {Error}); trying again",
                            entry.Id, entry.Status, attempt, error.GetType().Name);
                    }

                    settlement.Attempted();
                    await Task.Delay(pause, time);
                    pause = TimeSpan.FromTicks(Math.Min(pause.Ticks * 2, TimeSpan.FromSeconds(10).Ticks));
                }
            }
        }
        finally
        {
            settlement.Attempted();
        }
    }

    private async Task SettleOnceAsync(IngestEntry entry)
    {
        var shards = entry.Shards ?? [.. Enumerable.Range(0, shardCount)];
        if (entry.IsCommit)
        {
            var results = await Task.WhenAll(shards.Select(async i => (Shard: i, Result: await shardOf(i).CommitIngest(entry.Id))));
            foreach (var (shard, result) in results) shardHolds(shard, result.Records);
            entry.Accepted = results.Sum(r => r.Result.Committed);
            entry.Status = IngestStatus.Committed;
        }
        else
        {
            await Task.WhenAll(shards.Select(i => shardOf(i).AbortIngest(entry.Id)));
            entry.Status = IngestStatus.Aborted;
        }
        entry.Settled = time.GetUtcNow();
        await writeState();
    }
}
