using Polly;

namespace Unlearning.Client.Calls;

/// <summary>
/// How calls to the cluster's grains are guarded (model grains, forget requests): reads tried again while unanswered, long
/// writes watched, everything stopped by a token. A read's first attempt is made directly, bounded by
/// <see cref="UnlearningResilienceOptions.ReadAttemptTimeout"/>: the common case costs a timer and nothing else. Only when
/// it goes unanswered (and the retry window is open) does the read, after <see cref="UnlearningResilienceOptions.FirstRetryDelay"/>,
/// go on through the resilience pipeline (<see cref="ReadPipeline"/>), whose retry window runs from the first attempt.
/// </summary>
internal sealed class CallPolicy(ResiliencePipeline reads, UnlearningResilienceOptions options, TimeProvider time)
{
    public ResiliencePipeline Reads => reads;

    public UnlearningResilienceOptions Options => options;

    public TimeProvider Time => time;

    /// <summary>A policy with its own pipeline, outside dependency injection (the CLI, tests).</summary>
    public static CallPolicy Create(UnlearningResilienceOptions options, TimeProvider? time = null)
    {
        options.Validate();
        time ??= TimeProvider.System;
        return new CallPolicy(ReadPipeline.Configure(new ResiliencePipelineBuilder(), options, time).Build(), options, time);
    }

    /// <summary>
    /// A call that changes nothing, <paramref name="read"/> on <paramref name="grain"/>: tried again while it fails for want
    /// of an answer, each attempt bounded, until the retry window has passed or the <paramref name="session"/> stops it.
    /// </summary>
    public async Task<T> ReadAsync<TGrain, TArgument, T>(TGrain grain, TArgument argument, Func<TGrain, TArgument, Task<T>> read, CallSession session)
    {
        var stop = session.Stop;
        var started = time.GetTimestamp();
        Task<T>? attempt = null;
        try
        {
            attempt = read(grain, argument);
            return await attempt.WaitAsync(options.ReadAttemptTimeout, time, stop).ConfigureAwait(false);
        }
        catch (Exception error) when (ReadPipeline.IsUnanswered(error) && !stop.IsCancellationRequested)
        {
            if (!ReadPipeline.WithinWindow(started, options, time))
            {
                // The attempt's own timeout: what the pipeline's timeout strategy throws.
                if (error is TimeoutException && attempt is { IsCompleted: false }) throw ReadPipeline.AttemptTimedOut(options, error);
                throw;
            }
        }
        catch (OperationCanceledException) when (session.IsLost)
        {
            throw session.Lost();
        }

        try
        {
            await Task.Delay(options.FirstRetryDelay, time, stop).ConfigureAwait(false);
            return await RetryAsync(grain, argument, read, started, stop).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (session.IsLost)
        {
            throw session.Lost();
        }
    }

    /// <summary>The attempts after the first, through the pipeline; the retry window runs from <paramref name="started"/>.</summary>
    private async Task<T> RetryAsync<TGrain, TArgument, T>(TGrain grain, TArgument argument, Func<TGrain, TArgument, Task<T>> read, long started,
        CancellationToken stop)
    {
        var context = ResilienceContextPool.Shared.Get(stop);
        try
        {
            ReadPipeline.Begin(context, started);
            return await reads.ExecuteAsync(
                static async (context, state) => await state.read(state.grain, state.argument).WaitAsync(context.CancellationToken),
                context, (grain, argument, read)).ConfigureAwait(false);
        }
        finally
        {
            ResilienceContextPool.Shared.Return(context);
        }
    }

    /// <summary>
    /// A long write, <paramref name="call"/>, never tried again, named by an id in the request context
    /// (<see cref="CallWatch.ContextKey"/>) and watched through the grain (<paramref name="watch"/>) now and then: if its
    /// activation changes or stops answering, or the call finished there and its answer has not come
    /// <see cref="UnlearningResilienceOptions.UnansweredChecks"/> asks later (it went back through a gateway that went
    /// away), the answer will not come and the call fails with <see cref="AnswerLostException"/> naming
    /// <paramref name="what"/>. The call itself may still have run. Stopped by the <paramref name="session"/> (run the watch
    /// inside <see cref="CallSession.RunAsync"/> to name a lost connection).
    /// </summary>
    public async Task<T> WatchedAsync<TGrain, T>(TGrain grain, Func<TGrain, string, Task<CallWatch>> watch, Func<Task<T>> call, CallSession session,
        string what)
    {
        var stop = session.Stop;
        var id = Guid.NewGuid().ToString("N");
        var first = await ReadAsync(grain, (watch, id), static (grain, w) => w.watch(grain, w.id), session).ConfigureAwait(false);
        var running = Named(id, call);
        var unanswered = 0;
        var sinceFinished = 0;
        while (true)
        {
            await Task.WhenAny(running, Task.Delay(options.WatchInterval, time, stop)).ConfigureAwait(false);
            stop.ThrowIfCancellationRequested();
            if (running.IsCompleted) return await running.ConfigureAwait(false);
            CallWatch now;
            try
            {
                now = await watch(grain, id).WaitAsync(options.ReadAttemptTimeout, time, stop).ConfigureAwait(false);
            }
            catch (Exception error) when (ReadPipeline.IsUnanswered(error) && !stop.IsCancellationRequested)
            {
                if (++unanswered >= options.UnansweredChecks) throw new AnswerLostException($"the {what}'s silo stopped answering");
                continue;
            }

            unanswered = 0;
            if (now.Activation != first.Activation) throw new AnswerLostException($"the silo running the call went away and the {what} lives on another now");
            if (now.Progress == CallProgress.Finished && ++sinceFinished >= options.UnansweredChecks)
                throw new AnswerLostException($"the {what} finished the call but its answer never came back (the gateway it went through went away)");
        }
    }

    /// <summary>Starts <paramref name="call"/> with <paramref name="id"/> in its request context, and only its own.</summary>
    private static Task<T> Named<T>(string id, Func<Task<T>> call)
    {
        var before = RequestContext.Get(CallWatch.ContextKey);
        RequestContext.Set(CallWatch.ContextKey, id);
        try
        {
            return call();
        }
        finally
        {
            if (before is null) RequestContext.Remove(CallWatch.ContextKey);
            else RequestContext.Set(CallWatch.ContextKey, before);
        }
    }
}
