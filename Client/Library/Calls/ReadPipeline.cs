using Orleans.Runtime.Messaging;
using Polly;
using Polly.Retry;
using Polly.Timeout;

namespace Unlearning.Client.Calls;

/// <summary>
/// The resilience pipeline of reads (Polly): each attempt bounded by a timeout, attempts that fail for want of an answer
/// tried again with exponential backoff and jitter, until the retry window since the read began has passed.
/// </summary>
internal static class ReadPipeline
{
    /// <summary>The pipeline's name in the resilience registry and in Polly's telemetry.</summary>
    public const string Name = "Unlearning.Client.Reads";

    private static readonly ResiliencePropertyKey<long> Started = new("Unlearning.Client.ReadStarted");

    public static ResiliencePipelineBuilder Configure(ResiliencePipelineBuilder builder, UnlearningResilienceOptions options, TimeProvider time)
    {
        builder.TimeProvider = time;
        return builder
            .AddRetry(new RetryStrategyOptions
            {
                ShouldHandle = args => ValueTask.FromResult(
                    args.Outcome.Exception is { } error && IsUnanswered(error) && WithinWindow(args.Context, options, time)),
                MaxRetryAttempts = int.MaxValue,
                BackoffType = DelayBackoffType.Exponential,
                UseJitter = true,
                Delay = options.FirstRetryDelay,
                MaxDelay = options.MaxRetryDelay,
            })
            .AddTimeout(options.ReadAttemptTimeout);
    }

    /// <summary>Marks <paramref name="context"/> as a read begun at <paramref name="started"/> (a timestamp of the policy's time): its retry window runs from then.</summary>
    public static void Begin(ResilienceContext context, long started) => context.Properties.Set(Started, started);

    /// <summary>A failure that says nothing about the read itself: no answer came (the silo died, the attempt timed out).</summary>
    public static bool IsUnanswered(Exception error) =>
        error is TimeoutException or TimeoutRejectedException or OrleansMessageRejectionException or SiloUnavailableException or ConnectionFailedException;

    private static bool WithinWindow(ResilienceContext context, UnlearningResilienceOptions options, TimeProvider time) =>
        !context.Properties.TryGetValue(Started, out var started) || WithinWindow(started, options, time);

    /// <summary>As the pipeline's timeout strategy says that an attempt timed out.</summary>
    public static TimeoutRejectedException AttemptTimedOut(UnlearningResilienceOptions options, Exception inner) =>
        new($"The operation didn't complete within the allowed timeout of '{options.ReadAttemptTimeout}'.", options.ReadAttemptTimeout, inner);

    /// <summary>Whether a read begun at <paramref name="started"/> may still be tried again.</summary>
    public static bool WithinWindow(long started, UnlearningResilienceOptions options, TimeProvider time) =>
        options.ReadRetryWindow == Timeout.InfiniteTimeSpan || time.GetElapsedTime(started) < options.ReadRetryWindow;
}
