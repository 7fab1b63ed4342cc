using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.Logging;
using Orleans.Concurrency;
using Unlearning.Calls;
using Unlearning.Catalog;
using Unlearning.Logging;
using Unlearning.Storage;
using Unlearning.Wire;

namespace Unlearning.Requests;

/// <summary>
/// A durable forget request (<see cref="IForgetRequestGrain"/>), keyed by its id. A part is stored before anything is
/// forgotten (that write, and the registry's beside it, are all a forget waits for more than before), then carried out
/// on the model (or on every model the subject index names, in parallel); a part whose silo died is carried on when the
/// request activates again, which every silo's <c>ForgetRequestRecovery</c> brings about. Reentrant: status answers
/// while parts run, and parts of one request run side by side.
/// </summary>
[Reentrant]
public sealed class ForgetRequestGrain : Grain, IForgetRequestGrain, IForgetRequestWork
{
    private readonly IPersistentState<ForgetRequestState> _state;
    private readonly ILogger<ForgetRequestGrain> _logger;
    private readonly TimeProvider _time;
    private readonly CoalescingWriter _writer;
    private readonly Dictionary<int, Task> _running = [];
    private readonly IForgottenDataScrubber[] _scrubbers;
    private readonly CallLedger _calls;

    public ForgetRequestGrain(
        [PersistentState("request", StorageNames.Models)] IPersistentState<ForgetRequestState> state,
        IEnumerable<IForgottenDataScrubber> scrubbers,
        CallLedger calls,
        ILogger<ForgetRequestGrain> logger,
        TimeProvider time)
    {
        _state = state;
        _calls = calls;
        _scrubbers = [.. scrubbers];
        _logger = logger;
        _time = time;
        _writer = new CoalescingWriter(() => _state.WriteStateAsync());
    }

    private string Id => this.GetPrimaryKeyString();
    private ForgetRequestState State => _state.State;
    private IForgetRequestRegistry Registry => GrainFactory.GetGrain<IForgetRequestRegistry>(IForgetRequests.Key);

    public override Task OnActivateAsync(CancellationToken cancellationToken)
    {
        // A part accepted by an activation that died is carried on by this one.
        if (State.Parts.Values.Any(p => !p.Done)) _ = Resume();
        return Task.CompletedTask;
    }

    public async Task<SubjectForget[]> Submit(ForgetOrder order)
    {
        Check(order);
        var fingerprint = Fingerprint(order);
        if (State.Accepted is not null && State.Model != order.Model)
        {
            throw new ArgumentException($"request {Quoted.Value(Id)} forgets from {Target(State.Model)}, not from {Target(order.Model)}; " +
                "a request id names one request: use another id");
        }
        if (State.Parts.TryGetValue(order.Part, out var part))
        {
            if (!CryptographicOperations.FixedTimeEquals(Convert.FromBase64String(part.Fingerprint), Convert.FromBase64String(fingerprint)))
            {
                throw new ArgumentException($"part {order.Part} of request {Quoted.Value(Id)} was sent before with other subjects; " +
                    "a request id names one request: use another id");
            }
        }
        else
        {
            part = new RequestPart { Fingerprint = fingerprint, Subjects = order.Subjects, Count = order.Subjects.Length };
            State.Parts[order.Part] = part;
            State.Model = order.Model;
            State.Accepted ??= _time.GetUtcNow();
            State.State = RequestState.Accepted;
            State.Completed = null;
            // Stored before anything is forgotten; the registry (what wakes it after a failure) is written beside it. A row
            // version before this one may hold an earlier part's subjects.
            await OweScrubAsync();
            await Task.WhenAll(_writer.WriteAsync(), Registry.Opened(Entry()));
        }
        await RunAsync(order.Part, part);
        if (part.Error is not null) throw new InvalidOperationException($"request {Quoted.Value(Id)} failed: {part.Error}");
        return [.. part.Results!.Select((receipts, i) => new SubjectForget(order.Subjects[i], [.. receipts.Select(r => r with { Subject = order.Subjects[i] })]))];
    }

    public Task<ForgetRequestStatus> GetStatus()
    {
        if (State.Accepted is not { } accepted) throw new KeyNotFoundException($"unknown forget request {Quoted.Value(Id)}");
        var receipts = State.Parts.OrderBy(p => p.Key).SelectMany(p => p.Value.Results ?? []).SelectMany(r => r).ToArray();
        return Task.FromResult(new ForgetRequestStatus(Id, State.State, State.Model, accepted, State.Completed,
            State.Parts.Values.Sum(p => p.Count), receipts, State.Error));
    }

    public Task<CallWatch> Watch(string call) =>
        Task.FromResult(new CallWatch(GrainContext.ActivationId.ToString(), _calls.Progress(call, GrainContext.GrainId)));

    public async Task Resume()
    {
        if (State.Accepted is null)
        {
            // Listed, but its first write never landed: the caller was told it failed.
            await Registry.Dropped(Id);
            return;
        }
        if (State.State != RequestState.Accepted)
        {
            await Registry.Closed(Id, State.State, State.Error);
            return;
        }
        foreach (var (number, part) in State.Parts.Where(p => !p.Value.Done).ToArray())
            _ = RunQuietlyAsync(number, part);
    }

    private async Task RunQuietlyAsync(int number, RequestPart part)
    {
        try
        {
            await RunAsync(number, part);
        }
        catch (Exception error)
        {
            _logger.LogWarning("Forget request {Request} part {Part} did not complete ({Error}); it is tried again later",
                Id, number, ErrorDescription.Of(error));
        }
    }

    /// <summary>Carries out a part once: a caller arriving while it runs waits for the same run.</summary>
    private Task RunAsync(int number, RequestPart part)
    {
        if (part.Done) return Task.CompletedTask;
        if (_running.TryGetValue(number, out var running) && !running.IsFaulted) return running;
        return _running[number] = RunPartAsync(number, part);
    }

    private async Task RunPartAsync(int number, RequestPart part)
    {
        var subjects = part.Subjects!;
        try
        {
            IEnumerable<IEnumerable<ForgetReceipt>> results = State.Model is { } model
                ? (await Forgets(model).ForgetMany(subjects, Id)).Select(r => new[] { r })
                : await ForgetEverywhereAsync(subjects);
            part.Results = [.. results.Select(receipts => receipts.Select(r => r with { Subject = "" }).ToArray())];
        }
        catch (KeyNotFoundException error)
        {
            part.Error = error.Message; // names the model, never a subject
        }
        catch (ArgumentException error)
        {
            part.Error = $"the model refused the part ({ErrorDescription.Of(error)})";
        }
        finally
        {
            _running.Remove(number);
        }
        part.Subjects = null;
        var before = State.State;
        Settle();
        await OweScrubAsync();
        await _writer.WriteAsync();
        // The row written at acceptance held the subjects: PostgreSQL keeps that version until its partition is vacuumed.
        foreach (var scrubber in _scrubbers) await scrubber.ScrubAsync([Id], CancellationToken.None);
        if (State.State != before || State.State != RequestState.Accepted) await Registry.Closed(Id, State.State, State.Error);
        _logger.LogInformation("Forget request {Request} part {Part}: {Subjects} subjects, {State}", Id, number, part.Count, WireNames.Of(State.State));
    }

    /// <summary>Each subject forgotten from every model the index names for it, the models in parallel.</summary>
    private async Task<List<ForgetReceipt>[]> ForgetEverywhereAsync(string[] subjects)
    {
        var found = await SubjectIndex.LookupAsync(GrainFactory, subjects);
        var results = subjects.Select(_ => new List<ForgetReceipt>()).ToArray();
        var byModel = found.SelectMany((models, i) => models.Select(model => (Model: model, Index: i))).GroupBy(m => m.Model, StringComparer.Ordinal);
        await Task.WhenAll(byModel.Select(async group =>
        {
            var indices = group.Select(g => g.Index).ToArray();
            try
            {
                var receipts = await Forgets(group.Key).ForgetMany([.. indices.Select(i => subjects[i])], Id);
                for (var k = 0; k < indices.Length; k++) results[indices[k]].Add(receipts[k]);
            }
            catch (KeyNotFoundException)
            {
                // Deleted since the index named it: nothing of the subject is left there.
            }
        }));
        foreach (var receipts in results) receipts.Sort((a, b) => string.CompareOrdinal(a.Model, b.Model));
        return results;
    }

    /// <summary>Before a write that leaves subjects in the row's previous version.</summary>
    private async Task OweScrubAsync()
    {
        foreach (var scrubber in _scrubbers) await scrubber.OweAsync([Id], CancellationToken.None);
    }

    private void Settle()
    {
        if (State.Parts.Values.FirstOrDefault(p => p.Error is not null) is { } failed)
        {
            State.State = RequestState.Failed;
            State.Error = failed.Error;
        }
        else if (State.Parts.Values.All(p => p.Done))
        {
            State.State = RequestState.Completed;
            State.Completed = _time.GetUtcNow();
        }
    }

    private OverdueRequest Entry() =>
        new(Id, State.State, State.Model, State.Accepted!.Value, State.Accepted.Value, State.Parts.Values.Sum(p => p.Count), State.Error);

    private IModelForgets Forgets(string model) => GrainFactory.GetGrain<IModelForgets>(model);

    private void Check(ForgetOrder order)
    {
        if (!RequestLimits.IsValidRequestId(Id)) throw new ArgumentException($"request id {Quoted.Value(Id)} is not valid: {RequestLimits.RequestIdRule}");
        if (!RequestLimits.IsValidPart(order.Part)) throw new ArgumentException($"part must be between 1 and {RequestLimits.MaxParts}, not {order.Part}");
        if (order.Subjects is not { Length: > 0 and <= RequestLimits.MaxSubjectsPerPart })
            throw new ArgumentException($"a part must have 1 to {RequestLimits.MaxSubjectsPerPart:N0} subjects, not {order.Subjects?.Length ?? 0}");
        if (order.Model is not null && !ModelLimits.IsValidName(order.Model)) throw new ArgumentException($"model name {Quoted.Value(order.Model)} is not valid");
        foreach (var subject in order.Subjects)
        {
            if (string.IsNullOrEmpty(subject) || !ModelLimits.IsValidId(subject))
                throw new ArgumentException($"every subject must have 1 to {ModelLimits.MaxIdLength} characters");
        }
    }

    private string Fingerprint(ForgetOrder order)
    {
        State.Key ??= RandomNumberGenerator.GetBytes(32);
        using var hmac = IncrementalHash.CreateHMAC(HashAlgorithmName.SHA256, State.Key);
        foreach (var subject in order.Subjects)
        {
            hmac.AppendData(Encoding.UTF8.GetBytes(subject));
            hmac.AppendData([0]);
        }
        return Convert.ToBase64String(hmac.GetHashAndReset());
    }

    private static string Target(string? model) => model is null ? "every model" : $"model {Quoted.Value(model)}";
}
