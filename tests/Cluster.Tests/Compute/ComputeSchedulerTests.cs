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
    public async Task Compute_threads_run_below_normal_priority_on_linux()
    {
        if (!OperatingSystem.IsLinux()) return;
        // Field 19 of /proc/thread-self/stat is the thread's nice value; the text after the last ')' starts at field 3.
        static int Nice() => int.Parse(File.ReadAllText("/proc/thread-self/stat").Split(')')[^1].Split(' ', StringSplitOptions.RemoveEmptyEntries)[16]);
        var callerNice = await Task.Run(Nice);
        var nice = await ComputeScheduler.Run(Nice);
        Assert.True(nice > callerNice, $"compute thread nice {nice}, caller {callerNice}");
    }

    [Fact]
    public async Task Compute_work_waiting_for_more_compute_work_does_not_deadlock_when_every_thread_waits()
    {
        var threads = ComputeScheduler.Shared.MaximumConcurrencyLevel;
        var started = new CountdownEvent(threads);
        var outer = Enumerable.Range(0, threads).Select(i => ComputeScheduler.Run(() =>
        {
            started.Signal();
            started.Wait(TimeSpan.FromSeconds(10));
            // Every compute thread is here now: the inner work can only run inline.
            return ComputeScheduler.Run(() => i * 2).Result;
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
