using System.Collections.Concurrent;
using System.Runtime.InteropServices;

namespace Unlearning.Compute;

/// <summary>
/// Where shards run their CPU-heavy work (fits, Hessians, influence): dedicated threads, one per core, at the
/// lowest OS priority the OS allows (Linux SCHED_IDLE, else nice 10). The thread pool stays free for grain
/// turns and networking, and when serving and retraining both want a core the kernel runs serving first
/// (a waking normal thread preempts a SCHED_IDLE one at once), so predictions keep their latency while shards
/// retrain, yet retrains still use every idle core. Under sustained full load retrains slow down rather than
/// predictions: a forget's guarantee does not depend on its retrain, only its receipt waits for it.
/// </summary>
public sealed class ComputeScheduler : TaskScheduler
{
    /// <summary>Linux nice value of the compute threads where SCHED_IDLE is refused: weight about a tenth of a normal thread's.</summary>
    private const int Niceness = 10;
    private const int SchedIdle = 5;
    private const int ProcessWho = 0; // PRIO_PROCESS

    [ThreadStatic] private static bool _isComputeThread;

    private readonly BlockingCollection<Task> _queue = [];

    public static ComputeScheduler Shared { get; } = new(Environment.ProcessorCount);

    private ComputeScheduler(int threads)
    {
        for (var i = 0; i < threads; i++)
            new Thread(Work) { IsBackground = true, Name = $"unlearning-compute-{i}" }.Start();
        MaximumConcurrencyLevel = threads;
    }

    public override int MaximumConcurrencyLevel { get; }

    /// <summary>Whether the calling thread is one of the compute threads.</summary>
    internal static bool IsComputeThread => _isComputeThread;

    /// <summary>
    /// Runs <paramref name="work"/> on a compute thread; the await resumes on the caller's scheduler (the grain's turn).
    /// The returned task completes on a thread-pool thread: a compute thread only hands its result to the thread
    /// pool's lock-free queue, never takes the grain scheduler's lock, where the serving thread it wakes would
    /// preempt it and then spin (a millisecond) for a lock held by a thread that no longer runs.
    /// </summary>
    public static Task<T> Run<T>(Func<T> work, CancellationToken cancellation = default) =>
        Task.Factory.StartNew(work, cancellation, TaskCreationOptions.DenyChildAttach, Shared)
            .ContinueWith(static done => done, CancellationToken.None, TaskContinuationOptions.None, TaskScheduler.Default)
            .Unwrap();

    /// <summary>
    /// Blocks until <paramref name="task"/> completes. On a compute thread it runs queued compute work meanwhile,
    /// so compute work that waits for other compute work cannot deadlock when every compute thread waits.
    /// </summary>
    public static void WaitFor(Task task)
    {
        if (!_isComputeThread)
        {
            task.Wait();
            return;
        }
        while (!task.IsCompleted)
        {
            if (Shared._queue.TryTake(out var queued)) Shared.TryExecuteTask(queued);
            else task.Wait(TimeSpan.FromMilliseconds(1));
        }
    }

    protected override void QueueTask(Task task) => _queue.Add(task);

    // Never on a serving thread; on a compute thread (Parallel.For waiting for its own blocks) it avoids a deadlock.
    protected override bool TryExecuteTaskInline(Task task, bool taskWasPreviouslyQueued) =>
        _isComputeThread && TryExecuteTask(task);

    protected override IEnumerable<Task> GetScheduledTasks() => _queue.ToArray();

    private void Work()
    {
        _isComputeThread = true;
        LowerPriority();
        while (true)
        {
            if (!_queue.TryTake(out var task))
            {
                // Idle: the burst of fits is over, so the buffer kept for its next fit goes.
                FitBuffer.ReleaseKept();
                task = _queue.Take();
            }
            TryExecuteTask(task);
        }
    }

    private static void LowerPriority()
    {
        if (!OperatingSystem.IsLinux()) return;
        try
        {
            // On Linux a thread id names one thread, and lowering one's own priority needs no privilege.
            var thread = GetThreadId();
            var unused = 0;
            if (SetScheduler(thread, SchedIdle, ref unused) != 0) _ = SetPriority(ProcessWho, thread, Niceness);
        }
        catch (Exception error) when (error is DllNotFoundException or EntryPointNotFoundException)
        {
            // Without it the threads run at normal priority: slower predictions during retrains, nothing worse.
        }
    }

    [DllImport("libc", EntryPoint = "sched_setscheduler")]
    private static extern int SetScheduler(int thread, int policy, ref int priority);

    [DllImport("libc", EntryPoint = "setpriority")]
    private static extern int SetPriority(int which, int who, int priority);

    [DllImport("libc", EntryPoint = "gettid")]
    private static extern int GetThreadId();
}
