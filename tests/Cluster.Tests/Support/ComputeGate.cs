using Unlearning.Compute;

namespace Unlearning.Tests.Support;

/// <summary>
/// Holds every compute thread of this process (the in-process silos') until disposed, so fits queued meanwhile wait:
/// a test can then have changes arrive during a retrain without racing the fit.
/// </summary>
public sealed class ComputeGate : IDisposable
{
    private readonly ManualResetEventSlim _open = new();

    private ComputeGate() { }

    public static async Task<ComputeGate> CloseAsync()
    {
        var gate = new ComputeGate();
        var threads = ComputeScheduler.Shared.MaximumConcurrencyLevel;
        var inside = new CountdownEvent(threads);
        for (var i = 0; i < threads; i++)
        {
            _ = ComputeScheduler.Run(() =>
            {
                inside.Signal();
                gate._open.Wait();
                return true;
            });
        }
        // Every thread must be held before the test goes on, or a fit could slip past the gate.
        if (!await Task.Run(() => inside.Wait(TimeSpan.FromSeconds(30))))
        {
            gate.Dispose();
            throw new TimeoutException("the compute threads were not all held within 30 s");
        }
        return gate;
    }

    public void Dispose() => _open.Set();
}
