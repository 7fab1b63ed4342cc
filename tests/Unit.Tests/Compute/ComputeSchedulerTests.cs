using Unlearning.Compute;

namespace Unlearning.Tests.Compute;

public sealed class ComputeSchedulerTests
{
    [Fact]
    public async Task Work_runs_on_a_compute_thread_and_the_await_comes_back()
    {
        var name = await ComputeScheduler.Run(() => Thread.CurrentThread.Name);
        Assert.StartsWith("unlearning-compute-", name);
    }

    [Fact]
    public async Task The_result_is_handed_over_on_a_thread_pool_thread_not_a_compute_thread()
    {
        // A synchronous continuation runs on the thread that completes the task. The work waits until the continuation
        // is attached: were it already complete, the continuation would run on the thread attaching it (this test's).
        using var attached = new ManualResetEventSlim();
        var work = ComputeScheduler.Run(() => attached.Wait(TimeSpan.FromSeconds(30)));
        var completion = work.ContinueWith(_ => Thread.CurrentThread, TaskContinuationOptions.ExecuteSynchronously);
        attached.Set();
        var completer = await completion;
        Assert.True(await work, "the work gave up waiting for the continuation");
        Assert.True(completer.IsThreadPoolThread, $"completed on {completer.Name}");
        Assert.DoesNotContain("unlearning-compute-", completer.Name ?? "", StringComparison.Ordinal);
    }

    [Fact]
    public async Task Compute_threads_run_below_normal_priority_on_linux()
    {
        if (!OperatingSystem.IsLinux()) return;
        // Field 19 of /proc/thread-self/stat is the thread's nice value; the text after the last ')' starts at field 3.
        // In /proc/thread-self/stat, after the name's closing ')', field 19 (nice) is at 16 and field 41 (policy) at 38.
        static (int Nice, int Policy) Priority()
        {
            var fields = File.ReadAllText("/proc/thread-self/stat").Split(')')[^1].Split(' ', StringSplitOptions.RemoveEmptyEntries);
            return (int.Parse(fields[16]), int.Parse(fields[38]));
        }
        const int schedIdle = 5;
        var caller = await Task.Run(Priority);
        var compute = await ComputeScheduler.Run(Priority);
        Assert.True(compute.Policy == schedIdle || compute.Nice > caller.Nice, $"compute thread {compute}, caller {caller}");
        Assert.NotEqual(schedIdle, caller.Policy);
    }

    [Fact]
    public async Task Compute_work_waiting_for_more_compute_work_does_not_deadlock_when_every_thread_waits()
    {
        var threads = ComputeScheduler.Shared.MaximumConcurrencyLevel;
        var started = new CountdownEvent(threads);
        var outer = Enumerable.Range(0, threads).Select(i => ComputeScheduler.Run(() =>
        {
            started.Signal();
            if (!started.Wait(TimeSpan.FromSeconds(10))) throw new TimeoutException("not every compute thread started the outer work");
            // Every compute thread is here now: the inner work can only run inline.
            var inner = ComputeScheduler.Run(() => i * 2);
            ComputeScheduler.WaitFor(inner);
            return inner.Result;
        })).ToArray();
        var results = await Task.WhenAll(outer).WaitAsync(TimeSpan.FromSeconds(30));
        Assert.Equal(Enumerable.Range(0, threads).Select(i => i * 2), results);
    }

    [Fact]
    public async Task Cancelled_work_surfaces_as_a_cancellation()
    {
        using var cancellation = new CancellationTokenSource();
        await cancellation.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => ComputeScheduler.Run(() => 1, cancellation.Token));
    }
}
