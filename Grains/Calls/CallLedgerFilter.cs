namespace Unlearning.Calls;

/// <summary>
/// Notes in the <see cref="CallLedger"/> every call that names a watched call id, against the grain it targets (the
/// id travels on to the calls that grain makes; those are other grains' and do not count).
/// </summary>
public sealed class CallLedgerFilter(CallLedger ledger) : IIncomingGrainCallFilter
{
    public Task Invoke(IIncomingGrainCallContext context)
    {
        if (RequestContext.Get(CallWatch.ContextKey) is not string call) return context.Invoke();
        var grain = context.TargetId;
        ledger.Started(call, grain);
        Task invoked;
        try
        {
            invoked = context.Invoke();
        }
        catch
        {
            ledger.Finished(call, grain);
            throw;
        }
        return invoked.IsCompleted ? Done(invoked) : WatchAsync(invoked);

        Task Done(Task task)
        {
            ledger.Finished(call, grain);
            return task;
        }

        async Task WatchAsync(Task task)
        {
            try
            {
                await task;
            }
            finally
            {
                ledger.Finished(call, grain);
            }
        }
    }
}
