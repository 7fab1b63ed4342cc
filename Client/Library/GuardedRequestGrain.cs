namespace Unlearning.Client;

/// <summary>
/// A forget request grain whose calls never leave the caller waiting on an answer that will not come (see
/// <see cref="Calls.GuardedModelGrain"/>). A lost <see cref="Submit"/> was stored when accepted: it completes without the
/// caller, and the same request id sent again answers with its result.
/// </summary>
internal sealed class GuardedRequestGrain(IForgetRequestGrain request, CancellationToken stop, GuardSettings? settings = null) : IForgetRequestGrain
{
    private readonly GuardedCalls _calls = new(request.Activation, stop, settings ?? GuardSettings.Default, "forget request");

    public Task<SubjectForget[]> Submit(ForgetOrder order) => _calls.WatchedAsync(() => request.Submit(order));
    public Task<ForgetRequestStatus> GetStatus() => _calls.ReadAsync(request.GetStatus);
    public Task<string> Activation() => _calls.ReadAsync(request.Activation);
}
