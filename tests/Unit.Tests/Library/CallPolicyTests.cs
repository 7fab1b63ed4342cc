using Polly.Timeout;
using Unlearning.Client;
using Unlearning.Client.Calls;

namespace Unlearning.Tests.Library;

/// <summary>
/// <see cref="CallPolicy"/>'s read without the pipeline on its first attempt: the same errors as through the pipeline
/// (its timeout once the window has passed, a lost connection named), and the pipeline taking over when unanswered.
/// </summary>
public sealed class CallPolicyTests
{
    private static readonly Task<int> Never = new TaskCompletionSource<int>().Task;

    [Fact]
    public async Task A_first_attempt_that_times_out_after_the_window_fails_as_the_pipeline_timeout_does()
    {
        var policy = CallPolicy.Create(new UnlearningResilienceOptions
        {
            ReadAttemptTimeout = TimeSpan.FromMilliseconds(100),
            ReadRetryWindow = TimeSpan.FromMilliseconds(20),
        });
        var attempts = 0;
        var error = await Assert.ThrowsAsync<TimeoutRejectedException>(() =>
            policy.ReadAsync(0, 0, (_, _) => { attempts++; return Never; }, new CallSession(default, default, "here")));
        Assert.Equal(TimeSpan.FromMilliseconds(100), error.Timeout);
        Assert.Equal(1, attempts);
    }

    [Fact]
    public async Task An_unanswered_first_attempt_is_tried_again_through_the_pipeline_until_answered()
    {
        var policy = CallPolicy.Create(new UnlearningResilienceOptions
        {
            ReadAttemptTimeout = TimeSpan.FromMilliseconds(50),
            FirstRetryDelay = TimeSpan.FromMilliseconds(1),
        });
        var attempts = 0;
        var answer = await policy.ReadAsync(0, 0, (_, _) => ++attempts < 3 ? Never : Task.FromResult(42), new CallSession(default, default, "here"));
        Assert.Equal((42, 3), (answer, attempts));
    }

    [Fact]
    public async Task A_read_stopped_by_the_lost_connection_says_so_and_one_the_caller_stopped_is_cancelled()
    {
        var policy = CallPolicy.Create(new UnlearningResilienceOptions());
        using var lost = new CancellationTokenSource();
        using var caller = new CancellationTokenSource();
        using var session = new CallSession(caller.Token, lost.Token, "at gateway here:1");
        var read = policy.ReadAsync(0, 0, (_, _) => Never, session);
        await lost.CancelAsync();
        var error = await Assert.ThrowsAsync<ClusterConnectionLostException>(() => read);
        Assert.Contains("at gateway here:1", error.Message);

        using var other = new CallSession(caller.Token, default, "at gateway here:1");
        var stopped = policy.ReadAsync(0, 0, (_, _) => Never, other);
        await caller.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => stopped);
    }
}
