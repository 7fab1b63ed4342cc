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

    private static readonly UnlearningResilienceOptions Watching = new()
    {
        ReadAttemptTimeout = TimeSpan.FromSeconds(5),
        WatchInterval = TimeSpan.FromMilliseconds(20),
        UnansweredChecks = 3,
    };

    [Fact]
    public async Task A_watched_call_finished_on_the_cluster_whose_answer_never_comes_is_lost_and_says_so()
    {
        var policy = CallPolicy.Create(Watching);
        var named = new List<object?>();
        var progress = CallProgress.Running;
        var watched = policy.WatchedAsync(0, (_, id) => { named.Add(id); return Task.FromResult(new CallWatch("a1", progress)); },
            () => { named.Add(RequestContext.Get(CallWatch.ContextKey)); return Never; }, new CallSession(default, default, "here"), "model");
        await Task.Delay(200);
        Assert.False(watched.IsCompleted, "a call still running on the cluster is waited for");

        progress = CallProgress.Finished;
        var error = await Assert.ThrowsAsync<AnswerLostException>(() => watched);
        Assert.Contains("finished the call but its answer never came back", error.Message);
        // The call went out under the id the watch asks about, and the caller's context is left as it was.
        Assert.All(named, id => Assert.Equal(named[0], id));
        Assert.IsType<string>(named[0]);
        Assert.Null(RequestContext.Get(CallWatch.ContextKey));
    }

    [Fact]
    public async Task A_watched_call_answers_when_it_completes_and_is_lost_when_its_activation_changes()
    {
        var policy = CallPolicy.Create(Watching);
        var answered = await policy.WatchedAsync(0, (_, _) => Task.FromResult(new CallWatch("a1", CallProgress.Finished)),
            () => Task.FromResult(7), new CallSession(default, default, "here"), "model");
        Assert.Equal(7, answered);

        var activation = "a1";
        var moved = policy.WatchedAsync(0, (_, _) => Task.FromResult(new CallWatch(activation, CallProgress.Unknown)),
            () => Never, new CallSession(default, default, "here"), "model");
        await Task.Delay(100);
        activation = "a2";
        Assert.Contains("lives on another now", (await Assert.ThrowsAsync<AnswerLostException>(() => moved)).Message);
    }
}
