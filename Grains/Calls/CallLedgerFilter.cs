namespace Unlearning.Calls;

/// <summary>
/// Notes in the <see cref="CallLedger"/> every call that names a watched call id, against the grain it targets (the
/// id travels on to the calls that grain makes; those are other grains' and do not count).
/// </summary>
public sealed class CallLedgerFilter(CallLedger ledger) : IIncomingGrainCallFilter
{
    public Task Invoke(IIncomingGrainCallContext context) =>
        RequestContext.Get(CallWatch.ContextKey) is string call ? InvokeWatchedAsync(context, call) : context.Invoke();

    private async Task InvokeWatchedAsync(IIncomingGrainCallContext context, string call)
    {
        var grain = context.TargetId;
        ledger.Started(call, grain);
        try
        {
            await context.Invoke();
        }
        finally
        {
            ledger.Finished(call, grain);
        }
    }
}
