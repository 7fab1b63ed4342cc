using Microsoft.Extensions.Logging;
using Unlearning.Wire;

namespace Unlearning.Compliance;

/// <summary>
/// The one way this silo's code writes the audit log: <c>await audit.RecordAsync(...)</c> (or a helper below) after the
/// change it records is made. Events from every caller in the silo go to the log grain together, one call at a time,
/// each carrying whatever arrived while the one before was stored; refusals are grouped (see <see cref="Denied"/>).
/// Subjects are turned into keyed hashes here (<see cref="SubjectKeys"/>): no subject id ever reaches the log.
/// </summary>
public sealed partial class AuditTrail(IGrainFactory grains, SubjectKeys subjectKeys, TimeProvider time, ILogger<AuditTrail> logger)
{
    /// <summary>The most events waiting at once; beyond it refusals are dropped (and counted in the silo's log), never other events.</summary>
    public const int MaxPending = 10_000;

    private readonly Lock _lock = new();
    private List<AuditEvent> _pending = [];
    private TaskCompletionSource? _batch;
    private bool _sending;

    /// <summary>Appends <paramref name="auditEvent"/>; completes once it is stored.</summary>
    public Task RecordAsync(AuditEvent auditEvent)
    {
        lock (_lock)
        {
            _pending.Add(auditEvent);
            return Pending();
        }
    }

    public Task CreatedAsync(string model, ModelConfig config) =>
        RecordAsync(new AuditEvent(time.GetUtcNow(), AuditKind.Create, AuditCaller.Current, model,
            Method: WireNames.Of(config.Method), Shards: config.Shards));

    public Task IngestedAsync(string model, long records) =>
        RecordAsync(new AuditEvent(time.GetUtcNow(), AuditKind.Ingest, AuditCaller.Current, model, Records: records));

    public Task TrainedAsync(string model, long records, long version) =>
        RecordAsync(new AuditEvent(time.GetUtcNow(), AuditKind.Train, AuditCaller.Current, model, Records: records, Version: version));

    /// <summary>A forget, from its (signed) receipt: the subject only as its keyed hash.</summary>
    public async Task ForgotAsync(ForgetReceipt receipt)
    {
        var key = await subjectKeys.CurrentAsync();
        await RecordAsync(new AuditEvent(receipt.IssuedAt ?? time.GetUtcNow(), AuditKind.Forget, AuditCaller.Current, receipt.Model,
            receipt.RequestId, key.Hash(receipt.Subject), key.Id, receipt.Shard, receipt.RecordsRemoved, receipt.VersionAfter,
            WireNames.Of(receipt.Method)));
    }

    public Task DeletedAsync(string model) =>
        RecordAsync(new AuditEvent(time.GetUtcNow(), AuditKind.Delete, AuditCaller.Current, model));

    /// <summary>
    /// A refused call (<paramref name="call"/>: Interface.Method; <paramref name="caller"/>: the valid token's subject, if
    /// any): recorded without waiting. Refusals alike to one waiting to be sent become one entry with a count, so a flood
    /// of them costs the log one entry per kind per write.
    /// </summary>
    public void Denied(string call, string reason, string? caller)
    {
        Task stored;
        lock (_lock)
        {
            var alike = _pending.FindIndex(e => e.Kind == AuditKind.Denied && e.Call == call && e.Reason == reason && e.Caller == caller);
            if (alike >= 0)
            {
                _pending[alike] = _pending[alike] with { Count = (_pending[alike].Count ?? 1) + 1 };
            }
            else if (_pending.Count >= MaxPending)
            {
                LogDeniedDropped(logger, call);
                return;
            }
            else
            {
                _pending.Add(new AuditEvent(time.GetUtcNow(), AuditKind.Denied, caller, Call: call, Reason: reason, Count: 1));
            }
            stored = Pending();
        }
        stored.ContinueWith(t => LogDeniedNotStored(logger, t.Exception!.GetBaseException().GetType().Name),
            CancellationToken.None, TaskContinuationOptions.OnlyOnFaulted, TaskScheduler.Default);
    }

    /// <summary>The task of the batch now waiting; starts the sender if it is idle. Under the lock.</summary>
    private Task Pending()
    {
        _batch ??= new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var task = _batch.Task;
        if (!_sending)
        {
            _sending = true;
            // Not in the caller's context: the sender serves every caller, and carries none's request context.
            using (ExecutionContext.SuppressFlow()) _ = Task.Run(SendAsync);
        }
        return task;
    }

    private async Task SendAsync()
    {
        SiloServiceCall.Begin();
        var log = grains.GetGrain<IAuditLog>(IAuditGrain.Key);
        while (true)
        {
            List<AuditEvent> events;
            TaskCompletionSource batch;
            lock (_lock)
            {
                if (_pending.Count == 0)
                {
                    _sending = false;
                    return;
                }
                (events, _pending) = (_pending, []);
                (batch, _batch) = (_batch!, null);
            }
            try
            {
                await log.Append([.. events]);
                batch.SetResult();
            }
            catch (Exception error)
            {
                batch.SetException(error);
            }
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "A refused call to {Call} was not audited: too many audit events wait to be stored")]
    private static partial void LogDeniedDropped(ILogger logger, string call);

    [LoggerMessage(Level = LogLevel.Error, Message = "Refused calls were not audited: storing them failed ({Error})")]
    private static partial void LogDeniedNotStored(ILogger logger, string error);
}
