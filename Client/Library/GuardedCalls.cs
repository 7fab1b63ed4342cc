using Orleans.Runtime.Messaging;

namespace Unlearning.Client;

/// <summary>
/// Bounds a grain's calls from a client: reads are tried again while unanswered; a long call watches the grain's
/// activation (<paramref name="activation"/>), and fails with <see cref="AnswerLostException"/> when it changes or stops answering.
/// </summary>
internal sealed class GuardedCalls(Func<Task<string>> activation, CancellationToken stop, GuardSettings settings, string what = "model")
{
    /// <summary>A call that changes nothing: tried again, each attempt bounded, while it fails for want of an answer.</summary>
    public async Task<T> ReadAsync<T>(Func<Task<T>> read)
    {
        var pause = TimeSpan.FromMilliseconds(100);
        while (true)
        {
            try
            {
                return await read().WaitAsync(settings.ReadAttempt, stop);
            }
            catch (Exception error) when (IsUnanswered(error) && !stop.IsCancellationRequested)
            {
                await Task.Delay(pause, stop);
                pause = TimeSpan.FromTicks(Math.Min(pause.Ticks * 2, TimeSpan.FromSeconds(2).Ticks));
            }
        }
    }

    /// <summary>A long call, with the model's activation asked now and then: if it changes, or stops answering, the call is lost.</summary>
    public async Task<T> WatchedAsync<T>(Func<Task<T>> call)
    {
        var first = await ReadAsync(activation);
        var running = call();
        var unanswered = 0;
        while (true)
        {
            await Task.WhenAny(running, Task.Delay(settings.WatchEvery, stop));
            stop.ThrowIfCancellationRequested();
            if (running.IsCompleted) return await running;
            string now;
            try
            {
                now = await activation().WaitAsync(settings.ReadAttempt, stop);
            }
            catch (Exception error) when (IsUnanswered(error) && !stop.IsCancellationRequested)
            {
                if (++unanswered >= settings.UnansweredChecks) throw new AnswerLostException($"the {what}'s silo stopped answering");
                continue;
            }
            unanswered = 0;
            if (now != first) throw new AnswerLostException($"the silo running the call went away and the {what} lives on another now");
        }
    }

    public static bool IsUnanswered(Exception error) =>
        error is TimeoutException or OrleansMessageRejectionException or SiloUnavailableException or ConnectionFailedException;
}

/// <summary>How <see cref="GuardedCalls"/> bounds and watches calls.</summary>
internal sealed record GuardSettings(TimeSpan ReadAttempt, TimeSpan WatchEvery, int UnansweredChecks)
{
    public static readonly GuardSettings Default = new(TimeSpan.FromSeconds(15), TimeSpan.FromSeconds(3), 4);
}
