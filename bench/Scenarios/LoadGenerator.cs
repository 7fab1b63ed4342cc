using System.Collections.Concurrent;
using System.Diagnostics;
using Unlearning.Bench.Infrastructure;

namespace Unlearning.Bench.Scenarios;

/// <summary>Drives calls through the client: closed loop (N callers, each calling again as soon as it is answered) or open loop (a fixed rate).</summary>
public static class LoadGenerator
{
    public sealed record ClosedLoopResult(long Calls, double Seconds, double[] SortedLatenciesMs)
    {
        public double Rate => Calls / Seconds;
        public double P50 => Stats.PercentileOfSorted(SortedLatenciesMs, 50);
        public double P99 => Stats.PercentileOfSorted(SortedLatenciesMs, 99);
    }

    public static async Task<ClosedLoopResult> ClosedLoopAsync(int callers, TimeSpan duration, Func<int, int, Task> call)
    {
        var latencies = new List<double>[callers];
        var start = Stopwatch.GetTimestamp();
        var end = start + (long)(duration.TotalSeconds * Stopwatch.Frequency);
        var tasks = Enumerable.Range(0, callers).Select(caller => Task.Run(async () =>
        {
            var mine = new List<double>(4096);
            var iteration = 0;
            while (Stopwatch.GetTimestamp() < end)
            {
                var issued = Stopwatch.GetTimestamp();
                await call(caller, iteration++);
                mine.Add(Stopwatch.GetElapsedTime(issued).TotalMilliseconds);
            }
            latencies[caller] = mine;
        })).ToArray();
        await Task.WhenAll(tasks);
        var seconds = Stopwatch.GetElapsedTime(start).TotalSeconds;
        var all = latencies.SelectMany(l => l).ToArray();
        Array.Sort(all);
        return new ClosedLoopResult(all.Length, seconds, all);
    }

    /// <summary>One call of an open-loop run: when it was issued and answered (Stopwatch ticks), and its result.</summary>
    public sealed record Call<T>(long IssuedAt, long AnsweredAt, T? Result, Exception? Error)
    {
        public double LatencyMs => (AnsweredAt - IssuedAt) * 1000.0 / Stopwatch.Frequency;
    }

    /// <summary>
    /// Issues calls at <paramref name="rate"/> per second until <paramref name="stop"/> is cancelled, without waiting
    /// for answers (a late answer does not delay the next call), then waits for every call still in flight.
    /// </summary>
    public static async Task<IReadOnlyList<Call<T>>> OpenLoopAsync<T>(double rate, CancellationToken stop, Func<int, Task<T>> call)
    {
        var calls = new ConcurrentQueue<Call<T>>();
        var inFlight = new List<Task>();
        var start = Stopwatch.GetTimestamp();
        var ticksPerCall = Stopwatch.Frequency / rate;
        for (var k = 0; !stop.IsCancellationRequested; k++)
        {
            var due = start + (long)(k * ticksPerCall);
            var wait = Stopwatch.GetElapsedTime(Stopwatch.GetTimestamp(), due);
            if (wait > TimeSpan.FromMilliseconds(1))
            {
                try { await Task.Delay(wait, stop); }
                catch (OperationCanceledException) { break; }
            }
            inFlight.Add(Issue(k));
        }
        await Task.WhenAll(inFlight);
        return [.. calls];

        async Task Issue(int k)
        {
            var issued = Stopwatch.GetTimestamp();
            try
            {
                var result = await call(k);
                calls.Enqueue(new Call<T>(issued, Stopwatch.GetTimestamp(), result, null));
            }
            catch (Exception error)
            {
                calls.Enqueue(new Call<T>(issued, Stopwatch.GetTimestamp(), default, error));
            }
        }
    }
}
