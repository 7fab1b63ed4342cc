using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Unlearning.Logging;
using Unlearning.Storage;
using Unlearning.Wire;

namespace Unlearning.Requests;

/// <summary>What the registry persists: every request not completed (accepted, or failed), by id; no subjects.</summary>
[GenerateSerializer, Alias("Unlearning.ForgetRequestsState")]
public sealed class ForgetRequestsState
{
    [Id(0)] public Dictionary<string, OverdueRequest> Open { get; set; } = new(StringComparer.Ordinal);
}

/// <summary>
/// The requests not completed (<see cref="IForgetRequests"/>): what <c>forget-status --overdue</c> reads, and what the
/// silos' recovery wakes. Reentrant, with one write at a time: requests report here on their way to a forget.
/// </summary>
[Orleans.Concurrency.Reentrant]
public sealed class ForgetRequestsGrain : Grain, IForgetRequests, IForgetRequestRegistry
{
    private readonly IPersistentState<ForgetRequestsState> _state;
    private readonly ComplianceOptions _options;
    private readonly TimeProvider _time;
    private readonly ILogger<ForgetRequestsGrain> _logger;
    private readonly CoalescingWriter _writer;

    public ForgetRequestsGrain(
        [PersistentState("requests", StorageNames.Models)] IPersistentState<ForgetRequestsState> state,
        IOptions<ComplianceOptions> options,
        TimeProvider time,
        ILogger<ForgetRequestsGrain> logger)
    {
        _state = state;
        _options = options.Value;
        _time = time;
        _logger = logger;
        _writer = new CoalescingWriter(() => _state.WriteStateAsync());
    }

    private Dictionary<string, OverdueRequest> Open => _state.State.Open;

    public Task<OverdueRequest[]> Overdue()
    {
        var now = _time.GetUtcNow();
        return Task.FromResult(Open.Values
            .Select(r => r with { Due = r.Accepted + _options.Deadline })
            .Where(r => r.Due < now)
            .OrderBy(r => r.Accepted)
            .ToArray());
    }

    public Task Opened(OverdueRequest request)
    {
        Open[request.RequestId] = request;
        return _writer.WriteAsync();
    }

    public Task Closed(string requestId, RequestState state, string? error)
    {
        if (state == RequestState.Completed)
        {
            if (!Open.Remove(requestId)) return Task.CompletedTask;
        }
        else if (Open.TryGetValue(requestId, out var open))
        {
            if (open.State == state && open.Error == error) return Task.CompletedTask;
            Open[requestId] = open with { State = state, Error = error };
        }
        else
        {
            return Task.CompletedTask;
        }
        return _writer.WriteAsync();
    }

    public Task Dropped(string requestId) => Open.Remove(requestId) ? _writer.WriteAsync() : Task.CompletedTask;

    public async Task ResumeAll()
    {
        var accepted = Open.Values.Where(r => r.State == RequestState.Accepted).Select(r => r.RequestId).ToArray();
        await Task.WhenAll(accepted.Select(async id =>
        {
            try
            {
                await GrainFactory.GetGrain<IForgetRequestWork>(id).Resume();
            }
            catch (Exception error)
            {
                _logger.LogWarning("Forget request {Request} could not be resumed ({Error}); tried again later", id, ErrorDescription.Of(error));
            }
        }));
    }
}
