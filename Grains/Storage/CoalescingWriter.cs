namespace Unlearning.Storage;

/// <summary>
/// Serialises writes of a reentrant grain's state: one write at a time, and every caller that arrives
/// while one is running shares the single write queued behind it (which stores the newest state).
/// Only for use from one activation's turns, which never run in parallel.
/// </summary>
internal sealed class CoalescingWriter(Func<Task> write)
{
    private Task _running = Task.CompletedTask;
    private Task? _queued;

    public Task WriteAsync()
    {
        if (_queued is not null) return _queued;
        if (_running.IsCompleted) return _running = write();
        return _queued = RunAfter(_running);
    }

    private async Task RunAfter(Task previous)
    {
        // Always yields, so _queued is assigned before this continues; a failure of the previous write
        // was reported to its own callers.
        await previous.ConfigureAwait(
            ConfigureAwaitOptions.ContinueOnCapturedContext | ConfigureAwaitOptions.ForceYielding | ConfigureAwaitOptions.SuppressThrowing);
        _running = _queued!;
        _queued = null;
        await write();
    }
}
