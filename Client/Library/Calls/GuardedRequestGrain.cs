namespace Unlearning.Client.Calls;

/// <summary>
/// A forget request grain whose calls never leave the caller waiting on an answer that will not come, guarded as
/// <see cref="GuardedModelGrain"/> is: its status read is tried again; a <see cref="Submit"/> is watched, never sent again.
/// A lost <see cref="Submit"/> was stored when accepted: it completes without the caller, and the same request id sent
/// again answers with its result.
/// </summary>
internal sealed class GuardedRequestGrain(IForgetRequestGrain request, CallSession session, CallPolicy policy) : IForgetRequestGrain
{
    public Task<SubjectForget[]> Submit(ForgetOrder order) =>
        policy.WatchedAsync(request, static (r, id) => r.Watch(id), () => request.Submit(order), session, "forget request");

    public Task<ForgetRequestStatus> GetStatus() => policy.ReadAsync(request, 0, static (r, _) => r.GetStatus(), session);

    public Task<CallWatch> Watch(string call) => policy.ReadAsync(request, call, static (r, call) => r.Watch(call), session);
}
