using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Orleans.Concurrency;
using Orleans.Storage;
using Unlearning.Model;
using Unlearning.Storage;
using Unlearning.Wire;

namespace Unlearning.Compliance;

/// <summary>
/// The cluster's audit log (one activation, key <see cref="IAuditGrain.Key"/>), kept in the models' store as segment
/// rows of <see cref="AuditOptions.SegmentEntries"/> entries: an append rewrites the last segment only, with the chain's
/// new head signed. Reentrant: appends that arrive while a write runs are chained at once and share the next write
/// (<see cref="CoalescingWriter"/>), so a burst of forgets costs each of them at most one write.
/// </summary>
[Reentrant]
public sealed partial class AuditGrain : Grain, IAuditGrain, IAuditLog
{
    private readonly IGrainStorage _storage;
    private readonly SubjectKeys _subjectKeys;
    private readonly ReceiptSigner _signer;
    private readonly TimeProvider _time;
    private readonly ILogger<AuditGrain> _logger;
    private readonly int _segmentEntries;
    private readonly List<GrainState<AuditSegment>> _segments = [];
    private readonly HashSet<int> _dirty = [];
    private readonly CoalescingWriter _writer;
    private string _head = AuditEntryDocument.Genesis;
    private long _count;

    public AuditGrain(
        [FromKeyedServices(StorageNames.Models)] IGrainStorage storage,
        SubjectKeys subjectKeys,
        ReceiptSigner signer,
        IOptions<AuditOptions> options,
        TimeProvider time,
        ILogger<AuditGrain> logger)
    {
        _storage = storage;
        _subjectKeys = subjectKeys;
        _signer = signer;
        _time = time;
        _logger = logger;
        _segmentEntries = options.Value.SegmentEntries > 0 ? options.Value.SegmentEntries : AuditOptions.DefaultSegmentEntries;
        _writer = new CoalescingWriter(WriteDirtyAsync);
    }

    public override async Task OnActivateAsync(CancellationToken cancellationToken)
    {
        foreach (var segment in await ReadStoredAsync())
        {
            _segments.Add(segment);
            foreach (var entry in segment.State!.Entries)
            {
                _count = entry.Sequence;
                _head = entry.Hash;
            }
        }
    }

    public Task Append(AuditEvent[] events)
    {
        foreach (var auditEvent in events)
        {
            var entry = AuditEntryDocument.Chain(_count + 1, auditEvent with { At = ReceiptDocument.ToMilliseconds(auditEvent.At) }, _head);
            var index = (int)(_count / _segmentEntries);
            if (index == _segments.Count) _segments.Add(new GrainState<AuditSegment>(new AuditSegment()));
            _segments[index].State!.Entries.Add(entry);
            _dirty.Add(index);
            _count = entry.Sequence;
            _head = entry.Hash;
        }
        return events.Length == 0 ? Task.CompletedTask : Stored(_writer.WriteAsync());
    }

    public async Task<SubjectAudit> FindSubject(string subject)
    {
        RecordValidation.CheckSubject(subject);
        var keys = await _subjectKeys.AllAsync();
        var hashes = keys.ToDictionary(k => k.Id, k => k.Hash(subject), StringComparer.Ordinal);
        var found = _segments.SelectMany(s => s.State!.Entries)
            .Where(e => e.Event is { SubjectHash: { } hash, KeyId: { } id } && e.Event.Kind != AuditKind.Lookup
                        && hashes.TryGetValue(id, out var expected) && expected == hash)
            .ToArray();
        var current = await _subjectKeys.CurrentAsync();
        await Append([new AuditEvent(_time.GetUtcNow(), AuditKind.Lookup, AuditCaller.Current, SubjectHash: hashes[current.Id], KeyId: current.Id)]);
        return new SubjectAudit([.. keys.Select(k => k.Id)], found);
    }

    public async Task<AuditVerification> Verify()
    {
        // What is stored, not what this activation holds: the point is to find what changed in the store.
        await _writer.WriteAsync();
        var stored = await ReadStoredAsync();
        var published = await GrainFactory.GetGrain<ISigningKeyGrain>(ISigningKeyGrain.Key).GetPublicKeys();
        SigningPublicKey[] keys = [published.Current, .. published.Previous];
        var verification = AuditChain.Verify(stored.SelectMany(s => s.State!.Entries), stored.LastOrDefault()?.State?.Head, head =>
            keys.FirstOrDefault(k => k.KeyId == head.KeyId) is { } key
            && SigningKey.Verify(key.Pem, AuditChain.HeadBytes(head.Sequence, head.Hash), head.Signature) ? key.KeyId : null);
        if (verification.Intact && verification.Entries < _count)
        {
            return verification with
            {
                Intact = false,
                FirstBad = verification.Entries + 1,
                Problem = $"entry {verification.Entries + 1} is missing: the log ends at entry {verification.Entries}, this silo appended up to entry {_count}",
            };
        }
        return verification;
    }

    public Task<AuditPage> Read(long from, int count)
    {
        if (count is < 1 or > AuditLimits.MaxPage)
            throw new ArgumentOutOfRangeException(nameof(count), $"count must be 1 to {AuditLimits.MaxPage}, not {count}");
        if (from < 0) throw new ArgumentOutOfRangeException(nameof(from), $"from must be 0 (the last entries) or a sequence number, not {from}");
        var first = from == 0 ? Math.Max(1, _count - count + 1) : from;
        var entries = _segments.SelectMany(s => s.State!.Entries).Where(e => e.Sequence >= first).Take(count).ToArray();
        return Task.FromResult(new AuditPage(entries, _count));
    }

    private async Task Stored(Task write)
    {
        try
        {
            await write;
        }
        catch (Exception error)
        {
            // What this activation chained may not be what is stored: read the store again on the next call.
            LogAppendFailed(_logger, error.GetType().Name);
            DeactivateOnIdle();
            throw;
        }
    }

    private async Task WriteDirtyAsync()
    {
        if (_dirty.Count == 0) return;
        var key = await _signer.KeyAsync();
        // From here to the copies, no await: the copies hold the chain as it is now, the head signed for exactly them.
        var dirty = _dirty.Order().ToArray();
        _dirty.Clear();
        var head = new AuditHead(_count, _head, key.Id, key.Sign(AuditChain.HeadBytes(_count, _head)));
        var copies = dirty.Select(index => (index, Copy: new GrainState<AuditSegment>(new AuditSegment
        {
            Entries = [.. _segments[index].State!.Entries],
            Head = index == dirty[^1] ? head : _segments[index].State!.Head,
        })
        { ETag = _segments[index].ETag, RecordExists = _segments[index].RecordExists })).ToArray();
        try
        {
            // Earlier segments first (a batch filled one up), the one holding the head last.
            foreach (var (index, copy) in copies)
            {
                await _storage.WriteStateAsync(SegmentName(index), this.GetGrainId(), copy);
                _segments[index].ETag = copy.ETag;
                _segments[index].RecordExists = true;
                _segments[index].State!.Head = copy.State!.Head;
            }
        }
        catch
        {
            foreach (var index in dirty) _dirty.Add(index);
            throw;
        }
    }

    private async Task<List<GrainState<AuditSegment>>> ReadStoredAsync()
    {
        var segments = new List<GrainState<AuditSegment>>();
        for (var index = 0; ; index++)
        {
            var segment = new GrainState<AuditSegment>(new AuditSegment());
            await _storage.ReadStateAsync(SegmentName(index), this.GetGrainId(), segment);
            if (!segment.RecordExists || segment.State is null) return segments;
            segments.Add(segment);
        }
    }

    private static string SegmentName(int index) => $"audit-{index}";

    [LoggerMessage(Level = LogLevel.Error, Message = "Storing the audit log failed ({Error}); the log is read again from the store")]
    private static partial void LogAppendFailed(ILogger logger, string error);
}
