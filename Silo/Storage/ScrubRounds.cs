namespace Unlearning.Silo.Storage;

/// <summary>
/// Runs a silo's scrubs one round at a time, every scrub asked for while a round runs joining the next: one vacuum of the
/// union of their grains then serves them all. Without it, a burst of forgets on one silo ran a vacuum each, one after
/// another behind the cluster-wide vacuum lock, and the last forget's receipt waited for all of them.
/// <para>
/// A caller's rows were rewritten before it asked, and a round it joins starts after it asked (a running round never takes
/// new grains), so the round clears them as a scrub of its own would have.
/// </para>
/// </summary>
/// <param name="scrub">One round: scrubs the union of the grains asked for, or throws (then every caller of that round sees the error).</param>
internal sealed class ScrubRounds(Func<IReadOnlyCollection<string>, Task> scrub)
{
    private readonly Lock _gate = new();
    private HashSet<string>? _nextGrains;
    private TaskCompletionSource? _next;
    private bool _running;

    /// <summary>Completes when a round that started after this call has scrubbed <paramref name="grainKeys"/>.</summary>
    public Task ScrubAsync(IReadOnlyCollection<string> grainKeys)
    {
        lock (_gate)
        {
            if (_next is null)
            {
                _next = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
                _nextGrains = new HashSet<string>(StringComparer.Ordinal);
            }
            _nextGrains!.UnionWith(grainKeys);
            var round = _next.Task;
            if (!_running)
            {
                _running = true;
                // Off the caller's scheduler (a grain's): rounds run for callers of many grains.
                _ = Task.Run(RunRoundsAsync);
            }
            return round;
        }
    }

    private async Task RunRoundsAsync()
    {
        while (true)
        {
            TaskCompletionSource round;
            HashSet<string> grains;
            lock (_gate)
            {
                if (_next is null)
                {
                    _running = false;
                    return;
                }
                (round, grains) = (_next, _nextGrains!);
                (_next, _nextGrains) = (null, null);
            }
            try
            {
                await scrub(grains);
                round.SetResult();
            }
            catch (Exception error)
            {
                round.SetException(error);
            }
        }
    }
}
